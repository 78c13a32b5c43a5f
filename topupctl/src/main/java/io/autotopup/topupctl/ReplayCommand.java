package io.autotopup.topupctl;

import io.autotopup.schemas.EventHeaders;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Copies a topic's records between two times to a topic (the same one by default), exactly once: keys,
 * timestamps and headers kept, a {@code replayed-from} header added. Each batch is written in a transaction
 * that also commits how far the replay got (offsets of a consumer group named after the replay), so an
 * interrupted replay resumes where it stopped when run again, without a record lost or written twice.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Copy a topic's records between two times into a topic (the same one by default), keeping keys, timestamps and headers and adding 'replayed-from: <topic>/<partition>/<offset>'. payment-service and notification-service treat replayed records as a dry run: nothing is charged, no one is texted (docs/replay.md). Exactly once; Ctrl-C stops it, and the same command resumes where it stopped.",
        footer = {"", "Examples:", "  topupctl replay --topic usage-events --from 2026-11-24T03:00:00Z --to 2026-11-24T04:00:00Z", "  topupctl replay --topic usage-events --from 1h --to now --to-topic usage-events-staging --rate 200"})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    AuthOptions auth;

    @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "the topic to replay")
    String topic;

    @Option(names = "--from", paramLabel = "TIME", converter = Times.class, required = true,
            description = "first record time (inclusive): 2026-11-24T03:00:00Z, 2026-11-24, 2h (ago)")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = Times.class, required = true,
            description = "last record time (exclusive): ..., now")
    Instant to;

    @Option(names = "--to-topic", paramLabel = "TOPIC", description = "where to write (default: the same topic)")
    String toTopic;

    @Option(names = "--rate", paramLabel = "N", description = "at most N records per second (default: as fast as Kafka takes them)")
    Double rate;

    @Option(names = "--name", paramLabel = "NAME",
            description = "the replay's name, which keeps its progress (default: made from topic, target and times)")
    String name;

    @Option(names = "--restart", description = "start again from --from, forgetting an interrupted run of the same replay")
    boolean restart;

    private volatile boolean interrupted;

    /** Told the number of records copied so far after each copy (for tests that stop a replay at a known record). */
    private LongConsumer onCopied = copied -> { };

    @Override
    public Integer call() throws InterruptedException {
        // writing to the system's topics is an operator's act: the client must have the scope for it
        auth.credentials().token(AuthOptions.REPLAY_SCOPE);
        String target = toTopic == null ? topic : toTopic;
        String replay = "topupctl-replay-" + (name != null ? name : defaultName(target));
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted = true;
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "topupctl-replay-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return copy(replay, target, err);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs: it waited for this copy to stop
            }
        }
    }

    /** Stops the replay after the current record: what it copied so far is committed (as Ctrl-C does). */
    void interrupt() {
        interrupted = true;
    }

    void onCopied(LongConsumer listener) {
        this.onCopied = listener;
    }

    private int copy(String replay, String target, PrintWriter err) throws InterruptedException {
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(replay);
             KafkaProducer<String, byte[]> producer = kafka.producer(replay, Map.of())) {
            TopicRange range = TopicRange.of(consumer, topic, from, to);
            Map<TopicPartition, Long> resume = new HashMap<>();
            if (!restart) {
                consumer.committed(range.start().keySet()).forEach((partition, committed) -> {
                    if (committed != null) {
                        resume.put(partition, committed.offset());
                    }
                });
            }
            producer.initTransactions();
            long remaining = range.stop().entrySet().stream().mapToLong(entry ->
                    Math.max(0, entry.getValue() - resume.getOrDefault(entry.getKey(), range.start().get(entry.getKey())))).sum();
            if (!resume.isEmpty()) {
                err.printf("resuming %s where it stopped (%s)%n", replay, resume);
            }
            range.assign(consumer, resume);
            Map<TopicPartition, Long> next = new HashMap<>();
            consumer.assignment().forEach(partition -> next.put(partition, consumer.position(partition)));
            Progress progress = new Progress(err, "replay " + topic + " -> " + target, remaining);
            Batch batch = new Batch(producer, consumer);
            Map<TopicPartition, Long> last = new ConcurrentHashMap<>();
            long copied = 0;
            long started = System.nanoTime();
            while (!interrupted && !done(next, range)) {
                ConsumerRecords<String, byte[]> polled = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> record : polled) {
                    if (interrupted) {
                        break;
                    }
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= range.stop().get(partition)) {
                        continue;
                    }
                    batch.open();
                    if (range.contains(record.timestamp())) {
                        producer.send(new ProducerRecord<>(target, null, record.timestamp(), record.key(), record.value(),
                                replayHeaders(record)), (written, failed) -> {
                                    if (written != null) {
                                        last.merge(new TopicPartition(written.topic(), written.partition()), written.offset(), Math::max);
                                    }
                                });
                        copied++;
                        onCopied.accept(copied);
                    }
                    batch.done(partition, record.offset() + 1);
                    next.put(partition, record.offset() + 1);
                    progress.advance(1);
                    pace(copied, started);
                }
                if (!interrupted) {
                    // the whole poll was handled: positions also step over transaction markers
                    consumer.assignment().forEach(partition -> next.merge(partition, consumer.position(partition), Math::max));
                }
                batch.commit();
            }
            batch.commit();
            progress.finish();
            kafka.awaitReadable(last, READABLE_WITHIN);
            if (interrupted && !done(next, range)) {
                err.printf("interrupted after %,d records; run the same command again to resume%n", copied);
                err.flush();
                return 130;
            }
            err.printf("replayed %,d records of %s into %s%n", copied, topic, target);
            err.flush();
            return 0;
        }
    }

    private static boolean done(Map<TopicPartition, Long> next, TopicRange range) {
        return next.entrySet().stream().allMatch(entry -> entry.getValue() >= range.stop().get(entry.getKey()));
    }

    /**
     * One transaction of copies and the offsets they came from, committed together: when it holds
     * {@value #BATCH_RECORDS} records, after {@value #BATCH_MILLIS} ms (a paced replay stays well inside the
     * transaction timeout, and an interruption loses nothing), or at the end of a poll.
     */
    private static final class Batch {
        private final KafkaProducer<String, byte[]> producer;
        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        private boolean open;
        private long openedAt;
        private int records;

        Batch(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer) {
            this.producer = producer;
            this.consumer = consumer;
        }

        void open() {
            if (!open) {
                producer.beginTransaction();
                open = true;
                openedAt = System.nanoTime();
                records = 0;
            }
        }

        void done(TopicPartition partition, long nextOffset) {
            offsets.put(partition, new OffsetAndMetadata(nextOffset));
            records++;
            if (records >= BATCH_RECORDS || System.nanoTime() - openedAt >= BATCH_MILLIS * 1_000_000L) {
                commit();
            }
        }

        void commit() {
            if (open) {
                producer.sendOffsetsToTransaction(Map.copyOf(offsets), consumer.groupMetadata());
                producer.commitTransaction();
                offsets.clear();
                open = false;
            }
        }
    }

    private static final int BATCH_RECORDS = 1000;
    /** How long the broker may take to make the last committed batch readable before the command says so. */
    private static final Duration READABLE_WITHIN = Duration.ofSeconds(30);
    private static final long BATCH_MILLIS = 500;

    /** The record's headers, with where it came from added (kept if it is already a replay). */
    private static Headers replayHeaders(ConsumerRecord<String, byte[]> record) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        if (headers.lastHeader(EventHeaders.REPLAYED_FROM) == null) {
            headers.add(EventHeaders.REPLAYED_FROM, (record.topic() + "/" + record.partition() + "/" + record.offset())
                    .getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private void pace(long copied, long started) throws InterruptedException {
        if (rate == null || rate <= 0) {
            return;
        }
        long due = started + (long) (copied * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private String defaultName(String target) {
        String identity = topic + "|" + target + "|" + from.toEpochMilli() + "|" + to.toEpochMilli();
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return topic + "-" + HexFormat.of().formatHex(hash, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
