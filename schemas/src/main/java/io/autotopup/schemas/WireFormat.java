package io.autotopup.schemas;

import java.util.HashMap;
import java.util.Map;

/**
 * How this process frames the events it writes. Reading never depends on it: every serde reads both framings.
 * <ul>
 *   <li>Without a registry (the embedded default): Avro single-object encoding, {@code C3 01} and the schema's
 *       fingerprint, schemas from this jar.</li>
 *   <li>With a registry ({@code autotopup.schema-registry.url}): Confluent's framing, byte {@code 00} and the
 *       schema's 4-byte id in the registry, as Confluent's {@code KafkaAvroSerializer} writes it. The subject of a
 *       topic that carries one event type is {@code <topic>-value} (Confluent's {@code TopicNameStrategy}); of a
 *       topic that carries several, {@code <topic>-<full record name>} ({@code TopicRecordNameStrategy}). Only topics
 *       of the catalogue have subjects; a service's internal topics (changelogs, repartitions) and a schema the
 *       registry does not hold yet are written single-object, which every reader reads.</li>
 * </ul>
 */
public final class WireFormat {

    private static volatile SchemaResolver registry;
    private static volatile Map<String, Integer> typesByTopic;

    private WireFormat() {
    }

    /** From now on write Confluent's framing with ids from {@code resolver}, and read it with the same. */
    public static void useRegistry(SchemaResolver resolver) {
        registry = resolver;
    }

    /** From now on write single-object encoding (records framed with a schema id are still read if a registry was set). */
    public static void singleObject() {
        registry = null;
    }

    /** The registry in use, or null. */
    public static SchemaResolver registry() {
        return registry;
    }

    /** The subject under which {@code type} is registered for {@code topic}, or null when the topic has none. */
    public static String subject(String topic, Class<?> type) {
        Integer types = catalogue().get(topic);
        if (types == null) {
            return null;
        }
        return types == 1 ? topic + "-value" : topic + "-" + type.getName();
    }

    private static Map<String, Integer> catalogue() {
        Map<String, Integer> known = typesByTopic;
        if (known == null) {
            known = new HashMap<>();
            for (Topic<String, ?> topic : Topics.ALL) {
                if (topic.valueSerde() instanceof AvroSerde<?> serde) {
                    known.put(topic.name(), serde.types().size());
                }
            }
            typesByTopic = known;
        }
        return known;
    }
}
