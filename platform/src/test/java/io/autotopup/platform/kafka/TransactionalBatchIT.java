package io.autotopup.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.platform.testing.TestBrokers;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchAcknowledgingMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.util.backoff.FixedBackOff;

/**
 * A batch in one transaction on a real broker and spring-kafka's own transactional batch container, set up as
 * {@link TransactionalListeners#batchContainerFactory} sets it up: every good record's result is committed once and
 * in order, a record that must wait holds back only itself and what follows it, and a failing record's partial
 * result never becomes visible while it is dead-lettered.
 */
class TransactionalBatchIT {

    private static EmbeddedKafkaKraftBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBrokers.singleBroker();
        TestBrokers.createTopics(broker, List.of(new NewTopic("in", 1, (short) 1), new NewTopic("out", 1, (short) 1),
                new NewTopic("in-dlt", 1, (short) 1)));
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    void each_result_commits_once_in_order_a_busy_partner_delays_only_what_follows_and_a_failing_record_is_dead_lettered()
            throws Exception {
        String bootstrap = broker.getBrokersAsString();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (String value : List.of("a", "b", "busy", "c", "bad", "d", "e")) {
                producer.send(new ProducerRecord<>("in", "key", value)).get();
            }
        }

        DefaultKafkaProducerFactory<String, String> transactional = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        transactional.setTransactionIdPrefix("batch-it-");
        KafkaTemplate<String, String> results = new KafkaTemplate<>(transactional);
        DefaultKafkaProducerFactory<Object, Object> plain = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(new KafkaTemplate<>(plain),
                (record, exception) -> new TopicPartition(record.topic() + "-dlt", record.partition()));

        Map<String, Integer> busyAnswers = new ConcurrentHashMap<>();
        TransactionalBatch.Work<String> work = record -> {
            if (record.value().equals("busy") && busyAnswers.merge("busy", 1, Integer::sum) <= 2) {
                throw new PartnerBusy();
            }
            results.send("out", record.key(), record.value().toUpperCase());
            if (record.value().equals("bad")) {
                throw new IllegalStateException("bad cannot be processed after all");
            }
        };
        TransactionalBatch<String> batch = new TransactionalBatch<>("batch-it", (record, failure, waits) -> failure instanceof PartnerBusy ? Duration.ofMillis(200) : null, deadLetters,
                ObservationRegistry.NOOP, 3, Duration.ofSeconds(2));

        ContainerProperties properties = new ContainerProperties("in");
        properties.setGroupId("batch-it");
        properties.setKafkaAwareTransactionManager(new KafkaTransactionManager<>(transactional));
        properties.setAckMode(ContainerProperties.AckMode.MANUAL);
        properties.setMessageListener((BatchAcknowledgingMessageListener<String, String>) (records, acknowledgment) ->
                batch.process(records, acknowledgment, work));
        ConcurrentMessageListenerContainer<String, String> container = new ConcurrentMessageListenerContainer<>(
                new DefaultKafkaConsumerFactory<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer()),
                properties);
        container.setAfterRollbackProcessor(new DefaultAfterRollbackProcessor<>(new FixedBackOff(100L, 2L)));
        container.start();
        try {
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(values("in-dlt")).containsExactly("bad"));
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(values("out"))
                    .containsExactly("A", "B", "BUSY", "C", "D", "E"));
        } finally {
            container.stop();
            transactional.destroy();
            plain.destroy();
        }
    }

    private static List<String> values(String topic) {
        return CommittedRecords.of(broker.getBrokersAsString(), topic, new StringDeserializer(), new StringDeserializer())
                .stream().map(ConsumerRecord::value).toList();
    }

    private static final class PartnerBusy extends RuntimeException {
    }
}
