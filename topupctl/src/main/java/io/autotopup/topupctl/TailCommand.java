package io.autotopup.topupctl;

import io.autotopup.topupctl.records.RecordLines;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints a topic's records as JSON lines, decoded whatever published schema version wrote them. */
@Command(name = "tail", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Print a topic's records as JSON lines: topic, partition, offset, timestamp, key, headers, type and the event decoded from any published schema version. Committed records only.",
        footer = {"", "Examples:", "  topupctl tail usage-events", "  topupctl tail balance-changes --from-beginning --key sub-42", "  topupctl tail notifications --follow"})
final class TailCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "TOPIC", description = "the topic, e.g. usage-events or usage-events-dlt")
    String topic;

    @Option(names = "--from-beginning", description = "every record from the start, not only the last ones")
    boolean fromBeginning;

    @Option(names = {"-n", "--last"}, paramLabel = "N", defaultValue = "10",
            description = "without --from-beginning: how many of the newest (matching) records to show (default ${DEFAULT-VALUE})")
    int last;

    @Option(names = "--key", paramLabel = "KEY", description = "only records with this key (a subscriber id or an MSISDN)")
    String key;

    @Option(names = {"-f", "--follow"}, description = "keep printing new records until Ctrl-C")
    boolean follow;

    private volatile boolean stopped;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopped = true));
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(null)) {
            List<TopicPartition> partitions = KafkaOptions.partitions(consumer, topic);
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> from = new HashMap<>();
            for (TopicPartition partition : partitions) {
                from.put(partition, fromBeginning || key != null ? begin.get(partition) : Math.max(begin.get(partition), end.get(partition) - last));
            }
            List<ConsumerRecord<String, byte[]>> backlog = new ArrayList<>();
            while (true) {
                backlog.clear();
                from.forEach(consumer::seek);
                while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                    consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                        if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition())) && matches(record)) {
                            backlog.add(record);
                        }
                    });
                }
                // transaction markers take offsets too: where the last N offsets held fewer than N records, look further back
                boolean widened = false;
                for (TopicPartition partition : partitions) {
                    long records = backlog.stream().filter(record -> record.partition() == partition.partition()).count();
                    long start = from.get(partition);
                    if (records < last && start > begin.get(partition)) {
                        from.put(partition, Math.max(begin.get(partition), end.get(partition) - 4 * Math.max(1, end.get(partition) - start)));
                        widened = true;
                    }
                }
                if (!widened) {
                    break;
                }
            }
            backlog.sort(Comparator.<ConsumerRecord<String, byte[]>>comparingLong(ConsumerRecord::timestamp)
                    .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
            List<ConsumerRecord<String, byte[]>> shown = fromBeginning || backlog.size() <= last ? backlog
                    : backlog.subList(backlog.size() - last, backlog.size());
            shown.forEach(record -> out.println(RecordLines.toLine(record, true)));
            out.flush();
            if (follow) {
                // records already shown are past; from here on print in arrival order
                Map<TopicPartition, Long> next = new HashMap<>(end);
                next.forEach(consumer::seek);
                while (!stopped) {
                    consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                        if (matches(record)) {
                            out.println(RecordLines.toLine(record, true));
                        }
                    });
                    out.flush();
                }
            }
        }
        return 0;
    }

    private boolean matches(ConsumerRecord<String, byte[]> record) {
        return key == null || key.equals(record.key());
    }
}
