package io.autotopup.devstack;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far each consumer group (each service's Kafka Streams application and listeners) is behind the end of what it
 * reads: the sum over its partitions of the end offset minus its committed offset. A service that keeps up stays
 * within a commit interval's worth of records; one that does not falls further behind every second.
 */
public final class ConsumerLag implements AutoCloseable {

    private final Admin admin;

    public ConsumerLag(String bootstrap) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Records behind, per consumer group; each question to the cluster gives up after 10 s (a node may be down). */
    public Map<String, Long> byGroup() throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, Long> lag = new TreeMap<>();
        for (var group : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            long behind = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
                if (entry.getValue() != null && ends.containsKey(entry.getKey())) {
                    behind += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
                }
            }
            lag.put(group.groupId(), behind);
        }
        return lag;
    }

    @Override
    public void close() {
        admin.close();
    }
}
