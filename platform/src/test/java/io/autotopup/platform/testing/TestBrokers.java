package io.autotopup.platform.testing;

import io.autotopup.schemas.TopicLeaders;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
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

    /**
     * Kafka Streams with exactly-once on the broker, its state in {@code stateDir}. A stream thread that failed keeps
     * its partitions until its session times out: 6 s here, the least the broker allows.
     */
    public static Properties exactlyOnceStreams(EmbeddedKafkaKraftBroker broker, String applicationId, Path stateDir) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        return config;
    }
}
