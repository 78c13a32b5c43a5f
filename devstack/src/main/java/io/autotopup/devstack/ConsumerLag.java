package io.autotopup.devstack;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How far each consumer group (each service's Kafka Streams application and listeners) is behind the end of what it
 * reads: the sum over the partitions of every topic it reads of the end offset minus its committed offset (from the
 * start of the log where it has committed nothing yet: a partition it never read is behind by all of it). A service
 * that keeps up stays within a commit interval's worth of records; one that does not falls further behind every
 * second.
 */
public final class ConsumerLag implements AutoCloseable {

    private static final long PATIENCE_S = 10;

    private final String bootstrap;
    private final Admin admin;

    public ConsumerLag(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Records behind, per consumer group; each question to the cluster gives up after 10 s (a node may be down). */
    public Map<String, Long> byGroup() throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, Long> lag = new TreeMap<>();
        for (Map.Entry<String, Map<TopicPartition, Long>> group : positions().entrySet()) {
            Map<TopicPartition, Long> ends = offsets(group.getValue().keySet(), OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
            long behind = 0;
            for (Map.Entry<TopicPartition, Long> position : group.getValue().entrySet()) {
                behind += Math.max(0, ends.getOrDefault(position.getKey(), 0L) - position.getValue());
            }
            lag.put(group.getKey(), behind);
        }
        return lag;
    }

    /**
     * The groups that have not read everything committed to their topics: per group, how many committed records
     * (transaction markers and aborted records left out, as a read_committed consumer sees them) lie after its
     * committed offsets. Exact, where {@link #byGroup} counts the markers too; it reads those records, so ask it when
     * the lag is small.
     */
    public Map<String, Long> unread() throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, Long> unread = new TreeMap<>();
        Map<String, Map<TopicPartition, Long>> positions = positions();
        Set<TopicPartition> all = new HashSet<>();
        positions.values().forEach(group -> all.addAll(group.keySet()));
        // the last stable offset: the end of what a read_committed consumer can read now
        Map<TopicPartition, Long> stable = offsets(all, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (Map.Entry<String, Map<TopicPartition, Long>> group : positions.entrySet()) {
                long records = 0;
                for (Map.Entry<TopicPartition, Long> position : group.getValue().entrySet()) {
                    long end = stable.getOrDefault(position.getKey(), 0L);
                    if (end > position.getValue()) {
                        records += committedRecords(reader, position.getKey(), position.getValue(), end);
                    }
                }
                if (records > 0) {
                    unread.put(group.getKey(), records);
                }
            }
        }
        return unread;
    }

    /** The groups in the middle of a rebalance (neither stable nor empty), with their state. */
    public Map<String, GroupState> rebalancing() throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, GroupState> rebalancing = new TreeMap<>();
        for (ConsumerGroupDescription group : describe(groupIds()).values()) {
            if (group.groupState() != GroupState.STABLE && group.groupState() != GroupState.EMPTY) {
                rebalancing.put(group.groupId(), group.groupState());
            }
        }
        return rebalancing;
    }

    /** Per group, the position it would read from in each partition of every topic it reads. */
    private Map<String, Map<TopicPartition, Long>> positions() throws ExecutionException, InterruptedException, TimeoutException {
        List<String> groups = groupIds();
        Map<String, ConsumerGroupDescription> descriptions = describe(groups);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
        // what a group reads: the topics it committed offsets on, and those assigned to its members now
        Map<String, Set<String>> topicsOf = new HashMap<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(PATIENCE_S, TimeUnit.SECONDS);
            committed.put(group, offsets);
            Set<String> topics = new HashSet<>();
            offsets.keySet().forEach(partition -> topics.add(partition.topic()));
            ConsumerGroupDescription description = descriptions.get(group);
            if (description != null) {
                description.members().forEach(member -> member.assignment().topicPartitions()
                        .forEach(partition -> topics.add(partition.topic())));
            }
            topicsOf.put(group, topics);
        }
        Set<String> topics = new HashSet<>();
        topicsOf.values().forEach(topics::addAll);
        Map<String, TopicDescription> described = topics.isEmpty() ? Map.of()
                : admin.describeTopics(topics).allTopicNames().get(PATIENCE_S, TimeUnit.SECONDS);
        Set<TopicPartition> partitions = new HashSet<>();
        described.values().forEach(topic -> topic.partitions()
                .forEach(partition -> partitions.add(new TopicPartition(topic.name(), partition.partition()))));
        Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);

        Map<String, Map<TopicPartition, Long>> positions = new TreeMap<>();
        for (String group : groups) {
            Map<TopicPartition, Long> position = new HashMap<>();
            for (TopicPartition partition : partitions) {
                if (topicsOf.get(group).contains(partition.topic())) {
                    OffsetAndMetadata at = committed.get(group).get(partition);
                    position.put(partition, at != null ? at.offset() : starts.getOrDefault(partition, 0L));
                }
            }
            positions.put(group, position);
        }
        return positions;
    }

    private List<String> groupIds() throws ExecutionException, InterruptedException, TimeoutException {
        return admin.listConsumerGroups().all().get(PATIENCE_S, TimeUnit.SECONDS).stream().map(ConsumerGroupListing::groupId).toList();
    }

    private Map<String, ConsumerGroupDescription> describe(Collection<String> groups)
            throws ExecutionException, InterruptedException, TimeoutException {
        return groups.isEmpty() ? Map.of() : admin.describeConsumerGroups(groups).all().get(PATIENCE_S, TimeUnit.SECONDS);
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec, IsolationLevel isolation)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get(PATIENCE_S, TimeUnit.SECONDS)
                .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    /** The records a read_committed consumer gets from {@code from} up to {@code end} (a last stable offset). */
    private static long committedRecords(KafkaConsumer<byte[], byte[]> reader, TopicPartition partition, long from, long end) {
        reader.assign(List.of(partition));
        reader.seek(partition, from);
        long records = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_S);
        while (reader.position(partition) < end && System.nanoTime() < deadline) {
            records += reader.poll(Duration.ofMillis(200)).records(partition).stream().filter(record -> record.offset() < end).count();
        }
        if (reader.position(partition) < end) {
            // not read to the end in time (a node away): count what was not read as unread, to be asked again
            records += end - reader.position(partition);
        }
        return records;
    }

    @Override
    public void close() {
        admin.close();
    }
}
