package io.autotopup.platform.streams;

import io.micrometer.core.instrument.Metrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

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
     * Our reason headers for a record that spring-kafka's recoverer dead-letters: {@code UNDECODABLE} when it
     * could not be deserialized, {@code PROCESSING_FAILED} otherwise, and the innermost cause in words.
     */
    public static Headers reasonHeaders(Exception exception) {
        Throwable cause = exception;
        boolean undecodable = false;
        while (cause != null) {
            undecodable |= cause instanceof org.apache.kafka.common.errors.SerializationException
                    || cause instanceof org.springframework.kafka.support.serializer.DeserializationException;
            if (cause.getCause() == null || cause.getCause() == cause) {
                break;
            }
            cause = cause.getCause();
        }
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        put(headers, REASON_CODE_HEADER, undecodable ? "UNDECODABLE" : "PROCESSING_FAILED");
        put(headers, DETAIL_HEADER, String.valueOf(cause == null ? exception.getMessage() : cause.getMessage()));
        return headers;
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
            context.recordMetadata().filter(meta -> meta.topic() != null).ifPresent(meta -> {
                put(headers, ORIGINAL_TOPIC_HEADER, meta.topic());
                put(headers, ORIGINAL_PARTITION_HEADER, Integer.toString(meta.partition()));
                put(headers, ORIGINAL_OFFSET_HEADER, Long.toString(meta.offset()));
            });
            context.forward(record.withValue(record.value().value()).withHeaders(headers));
        }
    }
}
