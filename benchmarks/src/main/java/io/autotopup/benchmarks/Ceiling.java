package io.autotopup.benchmarks;

import io.autotopup.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The ceiling of an exactly-once ledger on this machine (issue 32): Kafka Streams applications that do nothing but
 * the appends and store operations of a design, with balance-service's Streams settings (exactly-once v2, commit
 * every 100 ms, linger 20 ms, 256 KB lz4 batches, one stream thread, no record cache) on the same pre-loaded
 * {@code usage-events}, bytes in and bytes out (no Avro, no ledger logic). What each shape reaches is the most any
 * ledger of that shape could reach here, however cheap its processing; today's ledger against the shape of the same
 * appends tells how much of its cost is its own processing.
 */
final class Ceiling {

    /** A design's appends and store operations per usage event, beside the input's own read. */
    enum Shape {
        OUTPUT("1 append: read, write the output", 1),
        OUTPUT_AND_STORE("1 append: read, a point read and write of an unlogged RocksDB store, write the output", 1),
        REPARTITION_AND_OUTPUT("2 appends: read, repartition, write the output", 2),
        TODAY("4 appends: read, repartition, two changelogged stores (a read and a write each), write the output", 4);

        final String description;
        final int appends;

        Shape(String description, int appends) {
            this.description = description;
            this.appends = appends;
        }
    }

    private final String bootstrap;
    private final Path stateDir;

    Ceiling(String bootstrap, Path stateDir) {
        this.bootstrap = bootstrap;
        this.stateDir = stateDir;
    }

    /** Usage events per second of the shape, from its first output record to its {@code events}-th, committed ones only. */
    double run(Shape shape, int run, long events) throws Exception {
        String application = "ceiling-" + shape.name().toLowerCase().replace('_', '-') + "-" + run;
        String output = application + "-out";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(output, Topics.PARTITIONS, (short) 1))).all().get();
        }
        StreamsBuilder builder = new StreamsBuilder();
        KStream<Bytes, Bytes> usage = builder.stream(Topics.USAGE_EVENTS.name(), Consumed.with(Serdes.Bytes(), Serdes.Bytes()));
        KStream<Bytes, Bytes> out = switch (shape) {
            case OUTPUT -> usage;
            case OUTPUT_AND_STORE -> {
                builder.addStateStore(store("state", false));
                yield usage.process(() -> new Touch(false, "state"), Named.as("touch"), "state");
            }
            case REPARTITION_AND_OUTPUT -> usage.repartition(Repartitioned.with(Serdes.Bytes(), Serdes.Bytes()).withName("by-key"));
            case TODAY -> {
                builder.addStateStore(store("applied", true));
                builder.addStateStore(store("entries", true));
                yield usage.repartition(Repartitioned.with(Serdes.Bytes(), Serdes.Bytes()).withName("by-key"))
                        .process(() -> new Touch(true, "applied", "entries"), Named.as("touch"), "applied", "entries");
            }
        };
        out.to(output, Produced.with(Serdes.Bytes(), Serdes.Bytes()));

        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, application);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir.resolve(application)).toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        config.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
        config.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 262_144);
        config.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, io.autotopup.platform.streams.BoundedRocksDbMemory.class);

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
                partitions.add(new TopicPartition(output, partition));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            KafkaStreams streams = new KafkaStreams(builder.build(), config);
            try {
                streams.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(180 + events / 1_000).toNanos();
                long seen = 0;
                long first = 0;
                long last = 0;
                while (seen < events) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(shape + " wrote " + seen + " of " + events + " records before its deadline");
                    }
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                    if (!records.isEmpty()) {
                        last = System.nanoTime();
                        if (first == 0) {
                            first = last;
                        }
                        seen += records.count();
                    }
                }
                return events / ((last - first) / 1e9);
            } finally {
                streams.close(Duration.ofSeconds(30));
                streams.cleanUp();
            }
        }
    }

    private static StoreBuilder<KeyValueStore<Bytes, Bytes>> store(String name, boolean logged) {
        StoreBuilder<KeyValueStore<Bytes, Bytes>> store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name),
                Serdes.Bytes(), Serdes.Bytes());
        return logged ? store : store.withLoggingDisabled();
    }

    /**
     * For each store, reads a key and writes the record's value under it, as the ledger does; then forwards the record.
     * The key is the record's own (a subscriber's balance, kept per subscriber) or, with {@code perEvent}, one of its own
     * per event (an applied event id, a history entry), so that the store grows as the ledger's do.
     */
    private static final class Touch implements Processor<Bytes, Bytes, Bytes, Bytes> {
        private final boolean perEvent;
        private final String[] names;
        private final List<KeyValueStore<Bytes, Bytes>> stores = new ArrayList<>();
        private ProcessorContext<Bytes, Bytes> context;

        Touch(boolean perEvent, String... names) {
            this.perEvent = perEvent;
            this.names = names;
        }

        @Override
        public void init(ProcessorContext<Bytes, Bytes> context) {
            this.context = context;
            stores.clear();
            for (String name : names) {
                stores.add(context.getStateStore(name));
            }
        }

        @Override
        public void process(Record<Bytes, Bytes> record) {
            Bytes key = record.key();
            if (perEvent) {
                byte[] own = record.key().get();
                long offset = context.recordMetadata().map(metadata -> metadata.offset()).orElse(0L);
                key = Bytes.wrap(java.nio.ByteBuffer.allocate(own.length + Long.BYTES).put(own).putLong(offset).array());
            }
            for (KeyValueStore<Bytes, Bytes> store : stores) {
                store.get(key);
                store.put(key, record.value());
            }
            context.forward(record);
        }
    }
}
