package io.autotopup.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autotopup.events.Money;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.platform.testing.TestBrokers;
import io.autotopup.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A poison record read by a task whose transaction then fails (as when the instance dies before the task commits)
 * is dead-lettered once: the dead letter written in the failed transaction is aborted with it, and the one written
 * when the record is read again is the one that counts. Kafka Streams' deserialization handler wrote it outside the
 * transaction, so the 30-minute soak found 91 poison records in {@code usage-events-dlt} twice.
 */
class UndecodableDeadLettersIT {

    private static EmbeddedKafkaKraftBroker broker;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBrokers.singleBroker();
        TestBrokers.createTopics(broker, List.of(new NewTopic(Topics.USAGE_EVENTS.name(), 1, (short) 1),
                new NewTopic(Topics.USAGE_EVENTS.deadLetterTopic(), 1, (short) 1), new NewTopic("event-ids", 1, (short) 1)));
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    void a_poison_record_is_dead_lettered_once_though_the_transaction_that_first_read_it_failed() throws Exception {
        byte[] poison = "{\"charge\":1000}".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), "+8562055512345", poison)).get();
            producer.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), "+8562055512345",
                    Topics.USAGE_EVENTS.valueSerde().serializer().serialize(Topics.USAGE_EVENTS.name(), usage("e-1")))).get();
        }

        // the first good record after the poison one fails the task's transaction once, as a commit the broker
        // refuses does: the thread is replaced and both records are read again
        AtomicBoolean failed = new AtomicBoolean();
        StreamsBuilder builder = new StreamsBuilder();
        DeadLetters.decoded(builder, Topics.USAGE_EVENTS, Topics.USAGE_EVENTS.valueSerde(), "usage")
                .mapValues(usage -> {
                    if (failed.compareAndSet(false, true)) {
                        throw new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state.");
                    }
                    return usage.getEventId();
                }, Named.as("event-id"))
                .to("event-ids", Produced.with(Serdes.String(), Serdes.String()));

        try (KafkaStreams streams = new KafkaStreams(builder.build(), config())) {
            streams.setUncaughtExceptionHandler(StreamThreadFailures.standard());
            streams.start();
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(CommittedRecords.of(broker.getBrokersAsString(),
                    "event-ids", new StringDeserializer(), new StringDeserializer())).extracting(ConsumerRecord::value)
                    .containsExactly("e-1"));
            assertThat(failed).as("the first transaction failed").isTrue();

            List<ConsumerRecord<String, byte[]>> dead = CommittedRecords.of(broker.getBrokersAsString(),
                    Topics.USAGE_EVENTS.deadLetterTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            assertThat(dead).as("the poison record, dead-lettered once").hasSize(1);
            assertThat(dead.get(0).value()).isEqualTo(poison);
            assertThat(new String(dead.get(0).headers().lastHeader(DeadLetters.REASON_CODE_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo("UNDECODABLE");
        }
    }

    private static UsageRecorded usage(String eventId) {
        return UsageRecorded.newBuilder().setEventId(eventId).setCarrierId("unitel").setMsisdn("+8562055512345")
                .setUsageType(UsageType.DATA).setUnits(100).setUnit("MB")
                .setCharge(Money.newBuilder().setMinorUnits(8_000).setCurrency("LAK").build())
                .setOccurredAt(Instant.parse("2026-12-02T10:00:00Z")).build();
    }

    private Properties config() {
        Properties config = TestBrokers.exactlyOnceStreams(broker, "undecodable-dead-letters", stateDir);
        // both records in one transaction: no commit between them
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 30_000);
        config.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 60_000);
        return config;
    }
}
