package io.autotopup.platform.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A started embedded KRaft broker with the single-broker settings of {@link SingleBrokerKafka}, for tests that start services themselves. */
public final class TestBrokers {

    /** The single-broker settings of PLATFORM-NOTES, or transactions and consumer groups hang. */
    public static final Map<String, String> SINGLE_BROKER = Map.of(
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "1",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "transaction.state.log.num.partitions", "1",
            "share.coordinator.state.topic.replication.factor", "1",
            "share.coordinator.state.topic.min.isr", "1",
            "group.initial.rebalance.delay.ms", "0",
            "auto.create.topics.enable", "false");

    private TestBrokers() {
    }

    public static EmbeddedKafkaKraftBroker singleBroker() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(SINGLE_BROKER);
        broker.afterPropertiesSet();
        return broker;
    }

    /**
     * Creates the topics and returns once the broker leads every partition. Creation is answered before the broker
     * has made the partitions; an idempotent producer that writes at once can have its first batch refused while
     * the next ones are taken, and then never delivers that batch (CI lost records of TopicFilesIT that way).
     */
    public static void createTopics(EmbeddedKafkaKraftBroker broker, List<NewTopic> topics)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            admin.createTopics(topics).all().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            topics.forEach(topic -> {
                for (int partition = 0; partition < topic.numPartitions(); partition++) {
                    latest.put(new TopicPartition(topic.name(), partition), OffsetSpec.latest());
                }
            });
            // answered only by a leader that has the partition. The admin client retries a partition that has no
            // leader yet, but not a topic its metadata does not know yet (UnknownTopicOrPartitionException: a suite
            // run failed so), so this retries that until the deadline.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    admin.listOffsets(latest).all().get();
                    return;
                } catch (ExecutionException notYet) {
                    if (!(notYet.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            }
        }
    }
}
