package io.autotopup.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.platform.testing.TestBrokers;
import java.nio.file.Path;
import java.time.Duration;
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
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A stream thread fails on a broker error in the middle of a transaction, as one did in the soak after a node was
 * lost while its instance was paused: the application goes on, and every record is counted exactly once.
 */
class StreamThreadFailuresIT {

    private static EmbeddedKafkaKraftBroker broker;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBrokers.singleBroker();
        TestBrokers.createTopics(broker, List.of(new NewTopic("calls", 1, (short) 1), new NewTopic("running-totals", 1, (short) 1)));
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    void a_thread_that_failed_on_a_broker_error_is_replaced_and_no_record_is_counted_twice_or_lost() throws Exception {
        AtomicBoolean failed = new AtomicBoolean();
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("totals"), Serdes.String(), Serdes.Long()));
        builder.stream("calls", Consumed.with(Serdes.String(), Serdes.String()))
                .process(() -> new RunningTotal(failed), "totals")
                .to("running-totals", Produced.with(Serdes.String(), Serdes.Long()));

        try (KafkaStreams streams = new KafkaStreams(builder.build(), config())) {
            streams.setUncaughtExceptionHandler(StreamThreadFailures.standard());
            streams.start();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()), new StringSerializer(), new StringSerializer())) {
                for (int i = 1; i <= 10; i++) {
                    producer.send(new ProducerRecord<>("calls", "sub-1", "call-" + i)).get();
                }
            }

            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(totals()).hasSize(10));
            assertThat(failed).as("the thread failed once in the middle").isTrue();
            assertThat(totals()).as("each call counted once, in order, across the replaced thread")
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private List<Long> totals() {
        return CommittedRecords.of(broker.getBrokersAsString(), "running-totals", new StringDeserializer(),
                Serdes.Long().deserializer()).stream().map(ConsumerRecord::value).toList();
    }

    private Properties config() {
        Properties config = TestBrokers.exactlyOnceStreams(broker, "stream-thread-failures", stateDir);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return config;
    }

    /** Counts each subscriber's calls; on the sixth, once, fails as a commit rejected by the broker does. */
    private static final class RunningTotal implements Processor<String, String, String, Long> {
        private final AtomicBoolean failed;
        private ProcessorContext<String, Long> context;
        private KeyValueStore<String, Long> totals;

        RunningTotal(AtomicBoolean failed) {
            this.failed = failed;
        }

        @Override
        public void init(ProcessorContext<String, Long> context) {
            this.context = context;
            this.totals = context.getStateStore("totals");
        }

        @Override
        public void process(Record<String, String> call) {
            Long before = totals.get(call.key());
            long total = (before == null ? 0 : before) + 1;
            totals.put(call.key(), total);
            context.forward(call.withValue(total));
            if (total == 6 && failed.compareAndSet(false, true)) {
                throw new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state.");
            }
        }
    }
}
