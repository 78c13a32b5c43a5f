package io.autotopup.schemas;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic of the catalogue: its name travels with the serdes of its key and value, so the two cannot
 * drift apart. Dead-letter topics follow spring-kafka's {@code -dlt} suffix.
 *
 * @param name       the topic name, kebab-case
 * @param keySerde   serde of the key
 * @param valueSerde serde of the value
 * @param compacted  whether the topic is compacted (a table of latest values) rather than a log
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {

    public static final String DLT_SUFFIX = "-dlt";

    /** The dead-letter topic of this topic, where records that cannot be processed go with the reason in headers. */
    public String deadLetterTopic() {
        return name + DLT_SUFFIX;
    }

    @Override
    public String toString() {
        return name;
    }
}
