package io.autotopup.topupctl;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of a topic between two times, per partition: from the first offset at or after {@code from} up to
 * the end of the partition as it was when the range was taken. Timestamps need not rise within a partition
 * (producers set them), so readers also keep only records with {@code from <= timestamp < to}.
 *
 * @param start first offset to read, per partition
 * @param stop  offset to stop before, per partition (the end when the range was taken)
 */
public record TopicRange(Map<TopicPartition, Long> start, Map<TopicPartition, Long> stop, Instant from, Instant to) {

    public static TopicRange of(KafkaConsumer<?, ?> consumer, String topic, Instant from, Instant to) {
        List<TopicPartition> partitions = KafkaOptions.partitions(consumer, topic);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> start = new LinkedHashMap<>();
        if (from == null) {
            start.putAll(begin);
        } else {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(partition -> query.put(partition, from.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            partitions.forEach(partition -> start.put(partition,
                    found.get(partition) == null ? end.get(partition) : found.get(partition).offset()));
        }
        return new TopicRange(start, new LinkedHashMap<>(end), from, to);
    }

    /** At most how many records the range holds (transaction markers take offsets too). */
    public long size() {
        return start.entrySet().stream().mapToLong(entry -> Math.max(0, stop.get(entry.getKey()) - entry.getValue())).sum();
    }

    public boolean contains(long timestamp) {
        return (from == null || timestamp >= from.toEpochMilli()) && (to == null || timestamp < to.toEpochMilli());
    }

    /** Whether the consumer has read every partition it was assigned ({@link #assign}) to its stop offset. */
    public boolean readBy(KafkaConsumer<?, ?> consumer) {
        return consumer.assignment().stream().allMatch(partition -> consumer.position(partition) >= stop.get(partition));
    }

    /** Assigns the consumer the partitions of the range that hold records, each at its start (or {@code resume}). */
    public void assign(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> resume) {
        List<TopicPartition> open = start.keySet().stream()
                .filter(partition -> resume.getOrDefault(partition, start.get(partition)) < stop.get(partition)).toList();
        consumer.assign(open);
        open.forEach(partition -> consumer.seek(partition, resume.getOrDefault(partition, start.get(partition))));
    }
}
