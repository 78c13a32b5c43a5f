package io.autotopup.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.platform.testing.TestBrokers;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * What the soak waits on before its checker reads: a group's lag counts transaction markers, aborted records and the
 * partitions it never committed; what it has not read yet counts only the committed records after its offsets.
 */
class ConsumerLagIT {

    private static EmbeddedKafkaKraftBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBrokers.singleBroker();
        TestBrokers.createTopics(broker, List.of(new NewTopic("lag-in", 2, (short) 1)));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString(), ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lag-it"), new StringSerializer(),
                new StringSerializer())) {
            producer.initTransactions();
            // partition 0: a, b, c and their commit marker (offsets 0 to 3), then x, y aborted and their marker (4 to 6)
            producer.beginTransaction();
            for (String value : List.of("a", "b", "c")) {
                producer.send(new ProducerRecord<>("lag-in", 0, "k", value));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (String value : List.of("x", "y")) {
                producer.send(new ProducerRecord<>("lag-in", 0, "k", value));
            }
            producer.flush();
            producer.abortTransaction();
            // partition 1: d and its marker (0 and 1)
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("lag-in", 1, "k", "d"));
            producer.commitTransaction();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    void lag_counts_markers_aborted_records_and_partitions_never_committed_while_unread_counts_only_committed_records()
            throws Exception {
        TopicPartition first = new TopicPartition("lag-in", 0);
        TopicPartition second = new TopicPartition("lag-in", 1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
                ConsumerLag lag = new ConsumerLag(broker.getBrokersAsString())) {
            // the group read a, b and c of partition 0, and nothing of partition 1 yet
            admin.alterConsumerGroupOffsets("reader", Map.of(first, new OffsetAndMetadata(3))).all().get();

            assertThat(lag.byGroup()).as("4 after the offset on partition 0, all 2 of partition 1").containsEntry("reader", 6L);
            assertThat(lag.unread()).as("only d: the markers and the aborted x and y are not records to read")
                    .containsExactly(Map.entry("reader", 1L));
            assertThat(lag.rebalancing()).as("a group without members is not rebalancing").isEmpty();

            admin.alterConsumerGroupOffsets("reader", Map.of(second, new OffsetAndMetadata(1))).all().get();

            assertThat(lag.unread()).as("every committed record read").isEmpty();
            assertThat(lag.byGroup()).as("what is left is markers and aborted records").containsEntry("reader", 5L);
        }
    }
}
