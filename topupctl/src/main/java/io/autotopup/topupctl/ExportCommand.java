package io.autotopup.topupctl;

import io.autotopup.topupctl.records.RecordLines;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Writes a topic's records between two times to a file of JSON lines that {@code import} reads back. */
@Command(name = "export", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Write a topic's committed records between two times as JSON lines (see docs/replay.md), oldest first: key, timestamp, headers, type and event. Diffable; 'import' writes them back.",
        footer = {"", "Examples:", "  topupctl export usage-events --from 2026-11-24 --to 2026-11-25 > usage.jsonl", "  topupctl export balance-changes --from 2h --to now --output changes.jsonl"})
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "TOPIC", description = "the topic to export")
    String topic;

    @Option(names = "--from", paramLabel = "TIME", converter = Times.class,
            description = "first record time (inclusive): 2026-11-24T03:00:00Z, 2026-11-24, now, 2h (ago); default: the start")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = Times.class,
            description = "last record time (exclusive); default: now")
    Instant to;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of to standard output")
    Path output;

    @Override
    public Integer call() throws IOException {
        Instant until = to == null ? Instant.now() : to;
        List<ConsumerRecord<String, byte[]>> records = read(kafka, topic, from, until);
        if (output == null) {
            write(spec.commandLine().getOut(), records);
        } else {
            try (Writer file = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                write(file, records);
            }
        }
        spec.commandLine().getErr().printf("exported %,d records of %s%n", records.size(), topic);
        spec.commandLine().getErr().flush();
        return 0;
    }

    /** The committed records of the topic in [from, to), oldest first (then by partition and offset). */
    static List<ConsumerRecord<String, byte[]>> read(KafkaOptions kafka, String topic, Instant from, Instant to) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(null)) {
            TopicRange range = TopicRange.of(consumer, topic, from, to);
            range.assign(consumer, Map.of());
            while (!consumer.assignment().isEmpty() && !range.readBy(consumer)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    long stop = range.stop().get(new org.apache.kafka.common.TopicPartition(record.topic(), record.partition()));
                    if (record.offset() < stop && range.contains(record.timestamp())) {
                        records.add(record);
                    }
                }
            }
        }
        records.sort(Comparator.<ConsumerRecord<String, byte[]>>comparingLong(ConsumerRecord::timestamp)
                .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    private static void write(Writer out, List<ConsumerRecord<String, byte[]>> records) throws IOException {
        for (ConsumerRecord<String, byte[]> record : records) {
            out.write(RecordLines.toLine(record, false));
            out.write('\n');
        }
        out.flush();
    }
}
