package io.autotopup.schemas;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic of the catalogue: its name travels with the serdes of its key and value and with the settings the
 * broker keeps it by, so none of them can drift apart. The services declare topics from these settings and
 * the Kubernetes manifests ({@code deploy/k8s}) are checked against them. Dead-letter topics follow
 * spring-kafka's {@code -dlt} suffix.
 *
 * @param name       the topic name, kebab-case
 * @param keySerde   serde of the key
 * @param valueSerde serde of the value
 * @param compacted  whether the topic is compacted (a table of latest values, kept for good) rather than a log
 * @param retention  how long a log keeps records; {@code null} for a compacted topic
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted, Duration retention) {

    public static final String DLT_SUFFIX = "-dlt";

    /** Dead letters wait this long for an operator to look at them. */
    public static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(30);

    /** A log whose records are never deleted for their age ({@code retention.ms=-1}). */
    public static final Duration FOREVER = Duration.ofMillis(-1);

    /** Records waiting in a retry topic are due within minutes; a day covers an outage of the consumer. */
    public static final Duration RETRY_RETENTION = Duration.ofDays(1);

    public Topic {
        if (compacted != (retention == null)) {
            throw new IllegalArgumentException(name + ": a log needs a retention, a compacted topic has none");
        }
    }

    /** A log that keeps records for {@code retention}. */
    public static <K, V> Topic<K, V> log(String name, Serde<K> keySerde, Serde<V> valueSerde, Duration retention) {
        return new Topic<>(name, keySerde, valueSerde, false, retention);
    }

    /** A compacted topic: the latest value per key, kept for good. */
    public static <K, V> Topic<K, V> compacted(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        return new Topic<>(name, keySerde, valueSerde, true, null);
    }

    /** The broker settings of this topic ({@code cleanup.policy}, {@code retention.ms}). */
    public Map<String, String> configs() {
        return compacted ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT) : logConfigs(retention);
    }

    /** The dead-letter topic of this topic, where records that cannot be processed go with the reason in headers. */
    public String deadLetterTopic() {
        return name + DLT_SUFFIX;
    }

    /** The retry topic of the given tier, where a record waits until it is due again. */
    public String retryTopic(int tier) {
        return name + "-retry-" + tier;
    }

    /** The broker settings of a log kept for {@code retention}, such as a dead-letter or retry topic. */
    public static Map<String, String> logConfigs(Duration retention) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
        return Map.copyOf(configs);
    }

    @Override
    public String toString() {
        return name;
    }
}
