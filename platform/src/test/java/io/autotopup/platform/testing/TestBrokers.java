package io.autotopup.platform.testing;

import io.autotopup.schemas.TopicLeaders;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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

    /** Creates the topics and returns once the broker leads every partition ({@link TopicLeaders}). */
    public static void createTopics(EmbeddedKafkaKraftBroker broker, List<NewTopic> topics)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            admin.createTopics(topics).all().get();
            TopicLeaders.await(admin, topics.stream().collect(Collectors.toMap(NewTopic::name, NewTopic::numPartitions)));
        }
    }
}
