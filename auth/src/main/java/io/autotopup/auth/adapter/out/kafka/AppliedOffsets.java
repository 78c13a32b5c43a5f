package io.autotopup.auth.adapter.out.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/** How far the global stores of this instance have read each partition of their topics. */
public final class AppliedOffsets {

    private final Map<TopicPartition, Long> next = new ConcurrentHashMap<>();

    void applied(String topic, int partition, long offset) {
        next.merge(new TopicPartition(topic, partition), offset + 1, Math::max);
    }

    /** Everything before these offsets is in the stores (the stores restored up to them at start). */
    public void reachedAll(Map<TopicPartition, Long> ends) {
        ends.forEach((partition, end) -> next.merge(partition, end, Math::max));
    }

    /** Whether every record before these offsets (each partition's end, say) is in the stores. */
    boolean reached(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> next.getOrDefault(end.getKey(), 0L) >= end.getValue());
    }
}
