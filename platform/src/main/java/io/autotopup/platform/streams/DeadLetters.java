package io.autotopup.platform.streams;

import io.autotopup.schemas.Topic;
import io.micrometer.core.instrument.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Sends the rejected values of a routed stream to their dead-letter topics, with the reason in the same
 * headers spring-kafka's {@code DeadLetterPublishingRecoverer} writes, plus a machine-readable code; the
 * accepted values flow on. Nothing is dropped and nothing blocks the partition.
 */
public final class DeadLetters {

    /** A short machine-readable reason, e.g. {@code UNKNOWN_SUBSCRIBER}, {@code UNDECODABLE}. */
    public static final String REASON_CODE_HEADER = "autotopup-dlt-reason";
    /** The reason in words, from the innermost cause. */
    public static final String DETAIL_HEADER = "autotopup-dlt-detail";
    public static final String EXCEPTION_MESSAGE_HEADER = "kafka_dlt-exception-message";
    public static final String ORIGINAL_TOPIC_HEADER = "kafka_dlt-original-topic";
    public static final String ORIGINAL_PARTITION_HEADER = "kafka_dlt-original-partition";
    public static final String ORIGINAL_OFFSET_HEADER = "kafka_dlt-original-offset";

    private DeadLetters() {
    }

    /**
     * @param valueSerde a serde that can write every rejected value type
     * @return the accepted values
     */
    public static <V> KStream<String, V> route(KStream<String, Routed<V>> routed, Serde<V> valueSerde, String name) {
        routed.filter((key, value) -> !value.isAccepted(), Named.as(name + "-rejected"))
                .processValues(RejectionHeaders<V>::new, Named.as(name + "-rejection-headers"))
                .to((key, value, context) -> new String(context.headers().lastHeader(DLT_TOPIC_HEADER).value(),
                        StandardCharsets.UTF_8), Produced.with(Serdes.String(), valueSerde).withName(name + "-dlt"));
        return routed.filter((key, value) -> value.isAccepted(), Named.as(name + "-accepted"))
                .mapValues(Routed::value, Named.as(name + "-unwrap"));
    }

    private static final String DLT_TOPIC_HEADER = "autotopup-dlt-topic";

    /**
     * The records of {@code topic}, decoded with {@code valueSerde}. A record that cannot be decoded goes to the topic's
     * dead-letter topic as it came (the same bytes, key and headers), with {@code UNDECODABLE}, the reason and where it
     * came from in the headers, and the partition moves on.
     *
     * <p>Unlike Kafka Streams' deserialization handler (which every other input still has), the dead letter is
     * written by the task, in its transaction: an instance that dies before the task commits does not leave a dead
     * letter behind that is written again when the record is read again (the 30-minute soak found 91 poison usage
     * records dead-lettered twice). For the topics that come from outside, where poison records do.
     */
    public static <V> KStream<String, V> decoded(StreamsBuilder builder, Topic<String, V> topic, Serde<V> valueSerde, String name) {
        KStream<String, Decoding<V>> decoding = builder.stream(topic.name(),
                        Consumed.with(topic.keySerde(), Serdes.ByteArray()).withName(name))
                .processValues(() -> new Decode<>(topic.name(), valueSerde.deserializer()), Named.as(name + "-decode"));
        decoding.filter((key, value) -> value.failure() != null, Named.as(name + "-undecodable"))
                .processValues(() -> new UndecodableHeaders<V>(topic.deadLetterTopic()), Named.as(name + "-undecodable-headers"))
                .to(topic.deadLetterTopic(), Produced.with(topic.keySerde(), Serdes.ByteArray()).withName(name + "-undecodable-dlt"));
        return decoding.filter((key, value) -> value.failure() == null, Named.as(name + "-decodable"))
                .mapValues(Decoding::value, Named.as(name + "-decoded"));
    }

    /** A record's value decoded, or the bytes that could not be and why. */
    private record Decoding<V>(V value, byte[] bytes, RuntimeException failure) {
    }

    private static final class Decode<V> implements FixedKeyProcessor<String, byte[], Decoding<V>> {
        private final String topic;
        private final Deserializer<V> deserializer;
        private FixedKeyProcessorContext<String, Decoding<V>> context;

        Decode(String topic, Deserializer<V> deserializer) {
            this.topic = topic;
            this.deserializer = deserializer;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Decoding<V>> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            Decoding<V> decoding;
            try {
                decoding = new Decoding<>(deserializer.deserialize(topic, record.headers(), record.value()), null, null);
            } catch (RuntimeException undecodable) {
                decoding = new Decoding<>(null, record.value(), undecodable);
            }
            context.forward(record.withValue(decoding));
        }
    }

    private static final class UndecodableHeaders<V> implements FixedKeyProcessor<String, Decoding<V>, byte[]> {
        private final String deadLetterTopic;
        private FixedKeyProcessorContext<String, byte[]> context;

        UndecodableHeaders(String deadLetterTopic) {
            this.deadLetterTopic = deadLetterTopic;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, Decoding<V>> record) {
            Headers headers = record.headers();
            RuntimeException failure = record.value().failure();
            put(headers, REASON_CODE_HEADER, "UNDECODABLE");
            put(headers, DETAIL_HEADER, innermostMessage(failure));
            put(headers, EXCEPTION_MESSAGE_HEADER, String.valueOf(failure.getMessage()));
            putOrigin(headers, context.recordMetadata());
            count(deadLetterTopic, "UNDECODABLE");
            context.forward(record.withValue(record.value().bytes()).withHeaders(headers));
        }
    }

    /**
     * Our reason headers for a record that spring-kafka's recoverer dead-letters: {@code UNDECODABLE} when it
     * could not be deserialized, {@code PROCESSING_FAILED} otherwise, and the innermost cause in words.
     */
    public static Headers reasonHeaders(Exception exception) {
        boolean undecodable = false;
        for (Throwable cause = exception; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            undecodable |= cause instanceof org.apache.kafka.common.errors.SerializationException
                    || cause instanceof org.springframework.kafka.support.serializer.DeserializationException;
        }
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        put(headers, REASON_CODE_HEADER, undecodable ? "UNDECODABLE" : "PROCESSING_FAILED");
        put(headers, DETAIL_HEADER, innermostMessage(exception));
        return headers;
    }

    /** The reason in words: the message of the innermost cause. */
    private static String innermostMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }

    /** Where the dead letter came from, when the record was read from a topic (not made by a punctuator). */
    private static void putOrigin(Headers headers, Optional<RecordMetadata> metadata) {
        metadata.filter(meta -> meta.topic() != null).ifPresent(meta -> {
            put(headers, ORIGINAL_TOPIC_HEADER, meta.topic());
            put(headers, ORIGINAL_PARTITION_HEADER, Integer.toString(meta.partition()));
            put(headers, ORIGINAL_OFFSET_HEADER, Long.toString(meta.offset()));
        });
    }

    /**
     * Counts a dead letter as {@code autotopup_dead_letters_total{topic, reason}}. Kafka Streams creates the
     * processors, so they cannot be handed a registry; Spring Boot binds Micrometer's global registry to
     * {@code /actuator/prometheus}.
     */
    public static void count(String deadLetterTopic, String reason) {
        Metrics.counter("autotopup.dead.letters", "topic", deadLetterTopic, "reason", reason).increment();
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static final class RejectionHeaders<V> implements FixedKeyProcessor<String, Routed<V>, V> {
        private FixedKeyProcessorContext<String, V> context;

        @Override
        public void init(FixedKeyProcessorContext<String, V> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, Routed<V>> record) {
            Routed.Rejection rejection = record.value().rejection();
            Headers headers = record.headers();
            put(headers, DLT_TOPIC_HEADER, rejection.deadLetterTopic());
            put(headers, REASON_CODE_HEADER, rejection.code());
            put(headers, EXCEPTION_MESSAGE_HEADER, rejection.detail());
            put(headers, DETAIL_HEADER, rejection.detail());
            count(rejection.deadLetterTopic(), rejection.code());
            putOrigin(headers, context.recordMetadata());
            context.forward(record.withValue(record.value().value()).withHeaders(headers));
        }
    }
}
