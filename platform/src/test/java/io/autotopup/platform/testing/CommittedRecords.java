package io.autotopup.platform.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a {@code read_committed} consumer sees of a topic once every transaction written to it so far has
 * ended. {@code commitTransaction} returns before the broker has written the transaction's markers, and until
 * it has, the last stable offset stays behind and a read sees none of the transaction's records
 * (PLATFORM-NOTES, trap 8). So a test never reads right after a transactional write: it waits until the last
 * stable offset of every partition has caught up with its high watermark, then reads up to it.
 */
public final class CommittedRecords {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private CommittedRecords() {
    }

    /** Waits until no transaction is open on any partition of the topics: committed reads then see everything written. */
    public static void awaitSettled(String bootstrapServers, Collection<String> topics) {
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            await("transactions on " + topics + " end").atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                    .until(() -> settled(admin, topics));
        }
    }

    /** Every committed record of the topic (none if it does not exist), after its open transactions ended. */
    public static List<ConsumerRecord<String, byte[]>> of(String bootstrapServers, String topic) {
        return of(bootstrapServers, topic, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Every committed record of the topic, decoded, after its open transactions ended. */
    public static <K, V> List<ConsumerRecord<K, V>> of(String bootstrapServers, String topic, Deserializer<K> keys,
            Deserializer<V> values) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                keys, values)) {
            if (!consumer.listTopics().containsKey(topic)) {
                return records;
            }
            awaitSettled(bootstrapServers, List.of(topic));
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + topic + " to its end " + end + " within " + PATIENCE);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    private static boolean settled(Admin admin, Collection<String> topics) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) -> description.partitions()
                .forEach(partition -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest())));
        var highWatermarks = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
        var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        return highWatermarks.entrySet().stream()
                .allMatch(entry -> stable.get(entry.getKey()).offset() >= entry.getValue().offset());
    }
}
