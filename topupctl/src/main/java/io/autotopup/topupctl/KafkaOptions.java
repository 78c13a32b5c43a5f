package io.autotopup.topupctl;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.autotopup.schemas.TopicLeaders;
import picocli.CommandLine.Option;

/** Where Kafka is, and the clients topupctl makes for it. Keys are strings (the catalogue's keys); values are bytes. */
public final class KafkaOptions {

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka to talk to (default: $KAFKA_BOOTSTRAP_SERVERS, else ${DEFAULT-VALUE}, the devstack's broker)")
    String bootstrapServers;

    public static KafkaOptions of(String bootstrapServers) {
        KafkaOptions options = new KafkaOptions();
        options.bootstrapServers = bootstrapServers;
        return options;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A consumer that reads committed records only, assigned by hand (no group, unless {@code groupId}). */
    public KafkaConsumer<String, byte[]> consumer(String groupId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "topupctl");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** An idempotent producer, transactional with {@code transactionalId} unless it is null. */
    public KafkaProducer<String, byte[]> producer(String transactionalId, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "topupctl");
        if (transactionalId != null) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Waits until consumers that read committed records only can read every record up to the given offsets.
     * A transaction's markers are written after {@code commitTransaction} returns, and until then such
     * consumers see none of its records; a command that wrote returns only once what it wrote can be read.
     *
     * @param lastOffsets the offset of the last record written, per partition
     */
    public void awaitReadable(Map<TopicPartition, Long> lastOffsets, Duration patience) {
        if (lastOffsets.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        lastOffsets.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        long deadline = System.nanoTime() + patience.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> stable =
                        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
                if (lastOffsets.entrySet().stream().allMatch(entry -> stable.get(entry.getKey()).offset() > entry.getValue())) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The records were committed but are not readable yet after " + patience
                            + "; the broker has not written the transaction's markers");
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not read the offsets of " + lastOffsets.keySet() + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Every partition of the topic; fails with a clear message when the topic does not exist. */
    public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("Topic " + topic + " does not exist");
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).sorted(
                java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    /** Creates the topic with {@code partitions} partitions if it does not exist, and waits for its leaders; true if it was created. */
    public boolean ensureTopic(String topic, int partitions) {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get();
            if (existing.contains(topic)) {
                return false;
            }
            admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(partitions), java.util.Optional.empty())))
                    .all().get();
            TopicLeaders.await(admin, Map.of(topic, partitions));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
