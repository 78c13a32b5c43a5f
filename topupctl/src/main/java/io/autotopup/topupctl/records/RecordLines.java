package io.autotopup.topupctl.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotopup.schemas.AvroSerde;
import io.autotopup.schemas.EventSchemas;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * topupctl's file format: one record per line, as JSON, in a fixed order of fields, so that files are readable
 * and diff well.
 *
 * <pre>
 * {"key":"sub-1","timestamp":"2026-11-24T03:00:00.120Z","headers":[{"key":"traceparent","value":"00-…"}],
 *  "type":"UsageRecorded","value":{…the event in Avro's JSON encoding…}}
 * </pre>
 *
 * The value is decoded from whichever published schema version wrote it and written in the current one, in
 * Avro's JSON encoding (unions as {@code {"string":"…"}}), which Avro reads back exactly. A header value is
 * text, or {@code "base64"} when it is not UTF-8. A tombstone has {@code "type":null,"value":null}; bytes
 * that are not an event of the catalogue (what a dead-letter topic may hold) are {@code "raw"}, base64.
 * {@code tail} adds the record's topic, partition and offset.
 */
public final class RecordLines {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AvroSerde<SpecificRecord> ANY_EVENT = AvroSerde.anyEvent();
    private static final Map<String, Class<? extends SpecificRecord>> TYPES = new LinkedHashMap<>();

    static {
        EventSchemas.trustEventClasses();
        EventSchemas.EVENT_TYPES.forEach(type -> TYPES.put(type.getSimpleName(), type));
    }

    private RecordLines() {
    }

    /** A line read back: what it takes to write the record again. */
    public record Line(String key, long timestamp, List<Header> headers, String type, SpecificRecord event, byte[] raw) {

        /** The value's bytes as the services write them (single-object encoded), or the raw bytes, or null. */
        public byte[] value(String topic) {
            return event != null ? ANY_EVENT.serialize(topic, event) : raw;
        }

        public ProducerRecord<String, byte[]> toRecord(String topic) {
            return new ProducerRecord<>(topic, null, timestamp, key, value(topic), headers);
        }
    }

    /** A line that is not a record of the target topic, and why. */
    public static final class BadLine extends Exception {
        public BadLine(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The record as a line; with its topic, partition and offset when {@code withPosition}. */
    public static String toLine(ConsumerRecord<String, byte[]> record, boolean withPosition) {
        ObjectNode line = JSON.createObjectNode();
        if (withPosition) {
            line.put("topic", record.topic());
            line.put("partition", record.partition());
            line.put("offset", record.offset());
        }
        line.put("key", record.key());
        line.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        ArrayNode headers = line.putArray("headers");
        for (Header header : record.headers()) {
            ObjectNode node = headers.addObject().put("key", header.key());
            Optional<String> text = utf8(header.value());
            if (header.value() == null) {
                node.putNull("value");
            } else if (text.isPresent()) {
                node.put("value", text.get());
            } else {
                node.put("base64", Base64.getEncoder().encodeToString(header.value()));
            }
        }
        if (record.value() == null) {
            line.putNull("type");
            line.putNull("value");
            return line.toString();
        }
        try {
            SpecificRecord event = ANY_EVENT.deserialize(record.topic(), record.value());
            line.put("type", event.getClass().getSimpleName());
            line.set("value", avroJson(event));
        } catch (SerializationException e) {
            line.putNull("type");
            line.put("raw", Base64.getEncoder().encodeToString(record.value()));
        }
        return line.toString();
    }

    /**
     * Reads a line and checks it against the target topic: JSON, a timestamp, headers, an event type the topic
     * carries, and a value that decodes with that type's schema.
     */
    public static Line parse(String text, String targetTopic) throws BadLine {
        JsonNode line;
        try {
            line = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadLine("not JSON: " + e.getOriginalMessage());
        }
        if (line == null || !line.isObject()) {
            throw new BadLine("not a JSON object");
        }
        String key = line.path("key").isNull() || line.path("key").isMissingNode() ? null : textField(line, "key");
        long timestamp = timestamp(line);
        List<Header> headers = headers(line.path("headers"));
        JsonNode type = line.path("type");
        if (type.isNull() || type.isMissingNode()) {
            if (line.hasNonNull("raw")) {
                if (catalogueTopic(targetTopic).isPresent()) {
                    throw new BadLine("raw bytes cannot be written to " + targetTopic + ", which carries "
                            + accepted(targetTopic) + " only");
                }
                return new Line(key, timestamp, headers, null, null, base64(line.path("raw").asText(), "raw"));
            }
            if (!line.path("value").isNull() && !line.path("value").isMissingNode()) {
                throw new BadLine("a value needs a \"type\"");
            }
            return new Line(key, timestamp, headers, null, null, null);
        }
        Class<? extends SpecificRecord> eventType = TYPES.get(type.asText());
        if (eventType == null) {
            throw new BadLine("unknown event type \"" + type.asText() + "\"; known: " + TYPES.keySet());
        }
        Set<String> accepted = accepted(targetTopic);
        if (!accepted.isEmpty() && !accepted.contains(eventType.getSimpleName())) {
            throw new BadLine(eventType.getSimpleName() + " may not be written to " + targetTopic + ", which carries " + accepted);
        }
        return new Line(key, timestamp, headers, eventType.getSimpleName(), fromAvroJson(eventType, line.path("value")), null);
    }

    /** The event types a catalogue topic carries (any, for other topics such as dead-letter topics). */
    static Set<String> accepted(String topic) {
        Set<String> names = new java.util.TreeSet<>();
        catalogueTopic(topic).ifPresent(found -> ((AvroSerde<?>) found.valueSerde()).types()
                .forEach(type -> names.add(type.getSimpleName())));
        return names;
    }

    static Optional<Topic<String, ?>> catalogueTopic(String name) {
        return Topics.ALL.stream().filter(topic -> topic.name().equals(name)).findFirst();
    }

    private static JsonNode avroJson(SpecificRecord event) {
        Schema schema = event.getSchema();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(schema, out);
            new SpecificDatumWriter<SpecificRecord>(schema).write(event, encoder);
            encoder.flush();
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SpecificRecord fromAvroJson(Class<? extends SpecificRecord> type, JsonNode value) throws BadLine {
        if (value.isMissingNode() || value.isNull()) {
            throw new BadLine("a " + type.getSimpleName() + " needs a \"value\"");
        }
        Schema schema = EventSchemas.currentSchemaOf(type);
        try {
            return new SpecificDatumReader<SpecificRecord>(schema).read(null,
                    DecoderFactory.get().jsonDecoder(schema, value.toString()));
        } catch (IOException | AvroRuntimeException e) {
            throw new BadLine("value is not a valid " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    private static long timestamp(JsonNode line) throws BadLine {
        String text = textField(line, "timestamp");
        if (text == null) {
            throw new BadLine("\"timestamp\" is missing");
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new BadLine("\"timestamp\" is not an ISO-8601 instant: " + text);
        }
    }

    private static List<Header> headers(JsonNode headers) throws BadLine {
        List<Header> result = new ArrayList<>();
        if (headers.isMissingNode() || headers.isNull()) {
            return result;
        }
        if (!headers.isArray()) {
            throw new BadLine("\"headers\" is not a list");
        }
        for (JsonNode header : headers) {
            String key = header.path("key").isTextual() ? header.path("key").asText() : null;
            if (key == null) {
                throw new BadLine("a header without a \"key\"");
            }
            if (header.has("base64")) {
                result.add(new RecordHeader(key, base64(header.path("base64").asText(), "header " + key)));
            } else if (header.path("value").getNodeType() == JsonNodeType.STRING) {
                result.add(new RecordHeader(key, header.path("value").asText().getBytes(StandardCharsets.UTF_8)));
            } else if (header.path("value").isNull()) {
                result.add(new RecordHeader(key, (byte[]) null));
            } else {
                throw new BadLine("header " + key + " needs a text \"value\" or \"base64\"");
            }
        }
        return result;
    }

    private static String textField(JsonNode line, String field) throws BadLine {
        JsonNode node = line.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new BadLine("\"" + field + "\" is not text");
        }
        return node.asText();
    }

    private static byte[] base64(String text, String what) throws BadLine {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new BadLine(what + " is not base64");
        }
    }

    private static Optional<String> utf8(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
