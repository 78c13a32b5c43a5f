package io.autotopup.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for the events, in two framings, read by their first byte:
 * <ul>
 *   <li>Avro single-object encoding: two marker bytes {@code C3 01}, the schema's 64-bit fingerprint, then the Avro
 *       binary body; the schema is a published version from this jar;</li>
 *   <li>Confluent's framing: byte {@code 00}, the writer schema's 4-byte id in a schema registry, then the Avro
 *       binary body, as Confluent's {@code KafkaAvroSerializer} and Apicurio's serde write it.</li>
 * </ul>
 * What it writes is {@link WireFormat}'s choice. One serde may carry several event types (a topic such as
 * {@code top-up-outcomes} holds both {@code TopUpCompleted} and {@code TopUpFailed}); the fingerprint, or the writer
 * schema's full name, tells which one a record is, and the record decodes into the current class.
 *
 * <p>A null value is a tombstone and stays null both ways. Bytes in neither framing, a fingerprint that is not a
 * published version of an accepted type, or a schema id that cannot be resolved raise {@link SerializationException}
 * with the reason, so that the error-handling deserializer can send the record to a dead-letter topic.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;
    /** Confluent's magic byte, then a 4-byte schema id. */
    private static final byte CONFLUENT_MAGIC = 0;
    private static final int CONFLUENT_HEADER_LENGTH = 5;

    private final EventSchemas schemas;
    private final Class<T> baseType;
    private final Map<Class<? extends T>, Codec<? extends T>> codecs = new LinkedHashMap<>();
    /** The same codecs by the full name of their record, as a writer schema from the registry names it. */
    private final Map<String, Codec<? extends T>> codecsByName = new java.util.HashMap<>();

    AvroSerde(EventSchemas schemas, Class<T> baseType, Iterable<Class<? extends T>> types) {
        this.schemas = schemas;
        this.baseType = baseType;
        for (Class<? extends T> type : types) {
            Codec<? extends T> codec = new Codec<>(type, schemas);
            codecs.put(type, codec);
            codecsByName.put(type.getName(), codec);
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
        SchemaResolver registry = WireFormat.registry();
        if (registry != null) {
            int id = codec.schemaIdFor(topic, registry);
            if (id >= 0) {
                return codec.encodeFramed(id, data);
            }
        }
        return codec.encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length >= CONFLUENT_HEADER_LENGTH && bytes[0] == CONFLUENT_MAGIC) {
            return deserializeFramed(topic, bytes);
        }
        if (bytes.length < HEADER_LENGTH || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new SerializationException("Not an Avro record on " + topic + " (" + bytes.length
                    + " bytes, neither Confluent's framing, 00 and a schema id, nor single-object encoding, C3 01)");
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
        return baseType.cast(codec.decode(fingerprint, bytes, topic));
    }

    private T deserializeFramed(String topic, byte[] bytes) {
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        SchemaResolver registry = WireFormat.registry();
        if (registry == null) {
            throw new SerializationException("Record on " + topic + " is framed with schema id " + id
                    + " (Confluent's framing), but no schema registry is configured here (autotopup.schema-registry.url)");
        }
        Schema writer = registry.schemaById(id);
        Codec<? extends T> codec = codecsByName.get(writer.getFullName());
        if (codec == null) {
            throw new SerializationException("Schema id " + id + " on " + topic + " is a " + writer.getFullName()
                    + "; this topic carries " + codecs.keySet().stream().map(Class::getSimpleName).toList());
        }
        return baseType.cast(codec.decodeFramed(id, writer, bytes, topic));
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

    /**
     * Per thread, reused record after record: the output buffer, and Avro's encoder and decoder. A serde is called
     * from many threads (stream threads, listener threads, request threads) but never re-entrantly on one.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        /** A buffer that grew past this is dropped after use, so one large record does not pin memory. */
        private static final int KEEP_AT_MOST = 64 * 1024;
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder;
        BinaryDecoder decoder;

        byte[] take() {
            byte[] bytes = out.toByteArray();
            if (bytes.length > KEEP_AT_MOST) {
                out = new ByteArrayOutputStream(256);
                encoder = null;
            }
            return bytes;
        }
    }

    /**
     * Encoder and decoder of one type, thread safe: a header made once per framing, one writer, and one resolving
     * reader per writer schema (by fingerprint or by registry id), so no record resolves schemas again.
     */
    private static final class Codec<R extends SpecificRecord> {
        /** How long a subject without an id for this schema is written single-object before the registry is asked again. */
        private static final long ASK_AGAIN_NANOS = 30_000_000_000L;

        private final Class<R> type;
        private final Schema current;
        private final SpecificData model;
        private final SpecificData fastReading;
        private final EventSchemas schemas;
        private final SpecificDatumWriter<R> writer;
        /** {@code C3 01} and the current schema's fingerprint, little-endian: what Avro's {@code BinaryMessageEncoder} writes. */
        private final byte[] singleObjectHeader;
        /** Schema id per topic written to; id -1 = none yet, asked again after {@link #ASK_AGAIN_NANOS}. */
        private final Map<String, SchemaId> ids = new ConcurrentHashMap<>();
        /** A reader per writer schema id (Confluent's framing). */
        private final Map<Integer, SpecificDatumReader<R>> readersById = new ConcurrentHashMap<>();
        /** A reader per writer schema fingerprint (single-object encoding). */
        private final Map<Long, SpecificDatumReader<R>> readersByFingerprint = new ConcurrentHashMap<>();

        Codec(Class<R> type, EventSchemas schemas) {
            this.type = type;
            this.schemas = schemas;
            this.model = SpecificData.getForClass(type);
            this.current = EventSchemas.currentSchemaOf(type);
            this.writer = new SpecificDatumWriter<>(current, model);
            // the class's own model (its logical-type conversions) with Avro's fast reader: the writer's schema is resolved
            // against the current one once, when the reader is made, not field by field through a ResolvingDecoder for
            // every record. A copy, so that nothing else reading this class changes how it reads.
            this.fastReading = new SpecificData(type.getClassLoader());
            model.getConversions().forEach(fastReading::addLogicalTypeConversion);
            this.fastReading.setFastReaderEnabled(true);
            this.singleObjectHeader = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                    .put(MARKER_0).put(MARKER_1).putLong(SchemaNormalization.parsingFingerprint64(current)).array();
        }

        int schemaIdFor(String topic, SchemaResolver registry) {
            SchemaId known = ids.get(topic);
            if (known != null && known.registry() == registry && (known.id() >= 0 || System.nanoTime() < known.askAgainAt())) {
                return known.id();
            }
            String subject = WireFormat.subject(topic, type);
            int id = subject == null ? -1 : registry.idOf(subject, current).orElse(-1);
            ids.put(topic, new SchemaId(registry, id, id >= 0 || subject == null ? Long.MAX_VALUE : System.nanoTime() + ASK_AGAIN_NANOS));
            return id;
        }

        byte[] encodeFramed(int id, Object record) {
            return encode(new byte[] {CONFLUENT_MAGIC, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id}, record);
        }

        byte[] encode(Object record) {
            return encode(singleObjectHeader, record);
        }

        private byte[] encode(byte[] header, Object record) {
            Scratch scratch = SCRATCH.get();
            try {
                scratch.out.reset();
                scratch.out.write(header, 0, header.length);
                // buffered: a direct encoder would write byte by byte into the (synchronized) stream
                scratch.encoder = EncoderFactory.get().binaryEncoder(scratch.out, scratch.encoder);
                writer.write(type.cast(record), scratch.encoder);
                scratch.encoder.flush();
                return scratch.take();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                throw new SerializationException("Cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
            }
        }

        R decodeFramed(int id, Schema writerSchema, byte[] bytes, String topic) {
            try {
                SpecificDatumReader<R> reader = readersById.computeIfAbsent(id, any -> reader(writerSchema));
                return read(reader, bytes, CONFLUENT_HEADER_LENGTH);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("Cannot decode " + type.getSimpleName() + " (schema id " + id + ") on " + topic
                        + ": " + e.getMessage(), e);
            }
        }

        R decode(long fingerprint, byte[] bytes, String topic) {
            try {
                SpecificDatumReader<R> reader = readersByFingerprint.computeIfAbsent(fingerprint,
                        any -> reader(schemas.findByFingerprint(fingerprint)));
                return read(reader, bytes, HEADER_LENGTH);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("Cannot decode " + type.getSimpleName() + " on " + topic
                        + ": " + e.getMessage(), e);
            }
        }

        private SpecificDatumReader<R> reader(Schema writerSchema) {
            return new SpecificDatumReader<>(writerSchema, current, fastReading);
        }

        private R read(SpecificDatumReader<R> reader, byte[] bytes, int offset) throws IOException {
            Scratch scratch = SCRATCH.get();
            scratch.decoder = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, scratch.decoder);
            return reader.read(null, scratch.decoder);
        }
    }

    private record SchemaId(SchemaResolver registry, int id, long askAgainAt) {
    }
}
