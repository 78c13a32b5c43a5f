package io.autotopup.topupctl;

import io.autotopup.schemas.Topics;
import io.autotopup.topupctl.records.RecordLines;
import io.autotopup.topupctl.records.RecordLines.BadLine;
import io.autotopup.topupctl.records.RecordLines.Line;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes a file of JSON lines to a topic, all or nothing: every line is checked first, and if any is bad, each
 * bad line is reported by number and nothing is written; otherwise all are written in one Kafka transaction,
 * and the command returns once they can be read.
 */
@Command(name = "import", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Write a file of JSON lines (as 'export' writes them) to a topic, all or nothing: every line is checked against the schema of its event type and against the types the topic carries; one bad line and nothing is written (each bad line is named). Otherwise every record goes in one Kafka transaction, with its key, timestamp and headers. A missing topic outside the catalogue is created with " + Topics.PARTITIONS + " partitions.",
        footer = {"", "Examples:", "  topupctl import usage.jsonl --to usage-events", "  topupctl import usage.jsonl --to usage-events-staging"})
final class ImportCommand implements Callable<Integer> {

    /** At most this many bad lines are listed; the count says how many more. */
    private static final int LISTED = 50;

    /** How long the broker may take to make a committed transaction readable before the command says so. */
    private static final Duration READABLE_WITHIN = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    AuthOptions auth;

    @Parameters(paramLabel = "FILE", description = "JSON lines, one record per line (blank lines are skipped)")
    Path file;

    @Option(names = "--to", paramLabel = "TOPIC", required = true, description = "the topic to write to")
    String topic;

    @Override
    public Integer call() throws IOException, InterruptedException, ExecutionException {
        // writing to the system's topics is an operator's act: the client must have the scope for it
        auth.credentials().token(AuthOptions.REPLAY_SCOPE);
        PrintWriter err = spec.commandLine().getErr();
        List<Line> lines = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int number = 0;
            while ((text = reader.readLine()) != null) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    lines.add(RecordLines.parse(text, topic));
                } catch (BadLine e) {
                    bad.add(file + ":" + number + ": " + e.getMessage());
                }
            }
        }
        if (!bad.isEmpty()) {
            bad.stream().limit(LISTED).forEach(err::println);
            if (bad.size() > LISTED) {
                err.printf("... and %,d more bad lines%n", bad.size() - LISTED);
            }
            err.printf("nothing was written to %s: %,d of %,d lines are bad%n", topic, bad.size(), lines.size() + bad.size());
            err.flush();
            return 1;
        }
        if (kafka.ensureTopic(topic, Topics.PARTITIONS)) {
            err.printf("created topic %s with %d partitions%n", topic, Topics.PARTITIONS);
        }
        Map<TopicPartition, Long> last = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = kafka.producer("topupctl-import-" + UUID.randomUUID(), Map.of())) {
            producer.initTransactions();
            producer.beginTransaction();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            try {
                for (Line line : lines) {
                    sent.add(producer.send(line.toRecord(topic)));
                }
                producer.commitTransaction();
            } catch (RuntimeException e) {
                producer.abortTransaction();
                throw e;
            }
            for (Future<RecordMetadata> future : sent) {
                RecordMetadata written = future.get();
                last.merge(new TopicPartition(written.topic(), written.partition()), written.offset(), Math::max);
            }
        }
        kafka.awaitReadable(last, READABLE_WITHIN);
        err.printf("imported %,d records into %s in one transaction%n", lines.size(), topic);
        err.flush();
        return 0;
    }
}
