package io.autotopup.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for Avro single-object encoding: two marker bytes {@code C3 01}, the schema's 64-bit
 * fingerprint, then the Avro binary body. One serde may carry several event types (a topic such as
 * {@code top-up-outcomes} holds both {@code TopUpCompleted} and {@code TopUpFailed}); the fingerprint tells
 * which one a record is, and any published version of that type decodes into the current class.
 *
 * <p>A null value is a tombstone and stays null both ways. Bytes that are not single-object encoded, or
 * whose fingerprint is not a published version of an accepted type, raise {@link SerializationException}
 * so that the error-handling deserializer can send the record to a dead-letter topic.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    private final EventSchemas schemas;
    private final Class<T> baseType;
    private final Map<Class<? extends T>, Codec<? extends T>> codecs = new LinkedHashMap<>();

    AvroSerde(EventSchemas schemas, Class<T> baseType, Iterable<Class<? extends T>> types) {
        this.schemas = schemas;
        this.baseType = baseType;
        for (Class<? extends T> type : types) {
            codecs.put(type, new Codec<>(type, schemas));
        }
    }

    /** A serde for one event type. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(EventSchemas.instance(), type, List.of(type));
    }

    /** A serde for a topic that carries several event types; callers tell them apart with instanceof. */
    @SafeVarargs
    public static AvroSerde<SpecificRecord> anyOf(Class<? extends SpecificRecord>... types) {
        return new AvroSerde<>(EventSchemas.instance(), SpecificRecord.class, List.of(types));
    }

    /** A serde for every event of the catalogue, e.g. to write any record to a dead-letter topic. */
    public static AvroSerde<SpecificRecord> anyEvent() {
        return new AvroSerde<>(EventSchemas.instance(), SpecificRecord.class, List.copyOf(EventSchemas.EVENT_TYPES));
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Codec<? extends T> codec = codecs.get(data.getClass());
        if (codec == null) {
            throw new SerializationException(data.getClass().getSimpleName() + " may not be written to " + topic
                    + "; it carries " + codecs.keySet().stream().map(Class::getSimpleName).toList());
        }
        return codec.encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length < HEADER_LENGTH || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new SerializationException("Not an Avro single-object encoded record on " + topic
                    + " (" + bytes.length + " bytes, no C3 01 marker)");
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Class<?> type = schemas.typeOf(fingerprint);
        Codec<? extends T> codec = type == null ? null : codecs.get(type);
        if (codec == null) {
            throw new SerializationException(String.format(
                    "Schema fingerprint %016x on %s is %s; this topic carries %s", fingerprint, topic,
                    type == null ? "not a published schema" : "a " + type.getSimpleName(),
                    codecs.keySet().stream().map(Class::getSimpleName).toList()));
        }
        return baseType.cast(codec.decode(bytes, topic));
    }

    /** The event types this serde reads and writes. */
    public java.util.Set<Class<? extends T>> types() {
        return java.util.Collections.unmodifiableSet(codecs.keySet());
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the schemas come from the catalogue
    }

    @Override
    public void close() {
        // stateless
    }

    /** Encoder and decoder of one type; both are thread safe (Avro keeps per-thread buffers). */
    private static final class Codec<R extends SpecificRecord> {
        private final Class<R> type;
        private final BinaryMessageEncoder<R> encoder;
        private final BinaryMessageDecoder<R> decoder;

        Codec(Class<R> type, EventSchemas schemas) {
            this.type = type;
            SpecificData model = SpecificData.getForClass(type);
            Schema current = EventSchemas.currentSchemaOf(type);
            this.encoder = new BinaryMessageEncoder<>(model, current);
            this.decoder = new BinaryMessageDecoder<>(model, current);
            schemas.versionsOf(type).forEach(decoder::addSchema);
        }

        byte[] encode(Object record) {
            try {
                ByteBuffer buffer = encoder.encode(type.cast(record));
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                throw new SerializationException("Cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
            }
        }

        R decode(byte[] bytes, String topic) {
            try {
                return decoder.decode(bytes);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("Cannot decode " + type.getSimpleName() + " on " + topic
                        + ": " + e.getMessage(), e);
            }
        }
    }
}
