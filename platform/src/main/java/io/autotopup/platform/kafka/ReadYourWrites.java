package io.autotopup.platform.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until a consumer group (a Kafka Streams application's, say) has committed past everything that was on a
 * topic when asked: what another service wrote and acknowledged before a request is then in this service's state.
 * For a topic written without transactions, where the end offset is the offset after the last record; under
 * exactly-once a Streams application commits every {@code commit.interval.ms}, so the wait is about one interval
 * when the group keeps up.
 */
public final class ReadYourWrites {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PAUSE = Duration.ofMillis(20);

    private final Admin admin;
    private final String groupId;

    public ReadYourWrites(Admin admin, String groupId) {
        this.admin = admin;
        this.groupId = groupId;
    }

    /** True once the group committed past every record now on {@code topic}; false if it did not within {@code patience}. */
    public boolean awaitConsumed(String topic, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        Map<TopicPartition, Long> ends = ends(topic);
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(ends);
            if (ends.entrySet().stream().allMatch(end -> end.getValue() == 0
                    || committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue())) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private Map<TopicPartition, Long> ends(String topic) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        answer(admin.describeTopics(List.of(topic)).allTopicNames(), "the partitions of " + topic).get(topic).partitions()
                .forEach(partition -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        answer(admin.listOffsets(latest).all(), "the ends of " + topic).forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(Map<TopicPartition, Long> ends) {
        Map<TopicPartition, OffsetAndMetadata> committed = answer(admin.listConsumerGroupOffsets(groupId,
                new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata(),
                "what " + groupId + " committed");
        return committed == null ? Map.of() : committed;
    }

    private static <T> T answer(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read " + what, e);
        }
    }
}
