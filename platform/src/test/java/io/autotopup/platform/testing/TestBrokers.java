package io.autotopup.platform.testing;

import java.util.Map;
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
}
