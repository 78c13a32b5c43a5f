package io.autotopup.schemas;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotopup.events.AutoTopUpRuleSet;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpFailureReason;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The serde with a registry: Confluent's framing written and read, single-object still read, every failure explained. */
class ConfluentFramingTest {

    private static final Instant AT = Instant.parse("2026-11-24T03:00:00Z");

    private final Registry registry = new Registry();

    @AfterEach
    void backToSingleObject() {
        WireFormat.singleObject();
    }

    @Test
    void with_a_registry_usage_is_written_as_confluents_serializer_writes_it_and_read_back() throws Exception {
        int id = registry.register("usage-events-value", UsageRecorded.getClassSchema());
        WireFormat.useRegistry(registry);
        UsageRecorded usage = usage("e-1");

        byte[] bytes = Topics.USAGE_EVENTS.valueSerde().serializer().serialize("usage-events", usage);

        assertThat(bytes[0]).as("Confluent's magic byte").isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(java.util.Arrays.copyOfRange(bytes, 5, bytes.length)).as("plain Avro binary after the id")
                .isEqualTo(plainAvro(UsageRecorded.getClassSchema(), usage));
        assertThat(Topics.USAGE_EVENTS.valueSerde().deserializer().deserialize("usage-events", bytes)).isEqualTo(usage);
    }

    @Test
    void records_of_both_framings_on_one_topic_are_all_read() {
        byte[] before = Topics.USAGE_EVENTS.valueSerde().serializer().serialize("usage-events", usage("old"));
        registry.register("usage-events-value", UsageRecorded.getClassSchema());
        WireFormat.useRegistry(registry);
        byte[] after = Topics.USAGE_EVENTS.valueSerde().serializer().serialize("usage-events", usage("new"));

        assertThat(before[0]).isEqualTo((byte) 0xC3);
        assertThat(after[0]).isZero();
        assertThat(List.of(before, after)).map(bytes -> Topics.USAGE_EVENTS.valueSerde().deserializer()
                .deserialize("usage-events", bytes).getEventId()).containsExactly("old", "new");
    }

    @Test
    void a_record_written_with_an_older_version_reads_into_the_current_class() throws Exception {
        Schema v1 = EventSchemas.instance().versionsOf(AutoTopUpRuleSet.class).get(0);
        int id = registry.register("auto-top-up-rules-value", v1);
        WireFormat.useRegistry(registry);
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field field : v1.getFields()) {
            old.put(field.name(), sample(field.schema()));
        }
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        framed.write(0);
        framed.write(ByteBuffer.allocate(4).putInt(id).array());
        framed.write(plainAvro(v1, old));

        AutoTopUpRuleSet read = Topics.AUTO_TOP_UP_RULES.valueSerde().deserializer().deserialize("auto-top-up-rules", framed.toByteArray());

        assertThat(read).isInstanceOf(AutoTopUpRuleSet.class);
        assertThat(read.getSubscriberId()).isEqualTo(old.get("subscriberId").toString());
    }

    @Test
    void a_topic_of_two_event_types_has_a_subject_per_type_and_each_record_comes_back_as_its_class() {
        registry.register("top-up-outcomes-io.autotopup.events.TopUpCompleted", TopUpCompleted.getClassSchema());
        registry.register("top-up-outcomes-io.autotopup.events.TopUpFailed", TopUpFailed.getClassSchema());
        WireFormat.useRegistry(registry);
        var serde = Topics.TOP_UP_OUTCOMES.valueSerde();
        TopUpCompleted completed = TopUpCompleted.newBuilder().setRequestId("r-1").setSubscriberId("s-1")
                .setAmount(money(50_000, "LAK")).setPaymentMethodId("pm-1").setPaymentReference("ch_1").setCompletedAt(AT).build();
        TopUpFailed failed = TopUpFailed.newBuilder().setRequestId("r-2").setSubscriberId("s-1").setAmount(money(500, "USD"))
                .setReason(TopUpFailureReason.CARD_DECLINED).setIsFinal(true).setFailedAt(AT).build();

        byte[] first = serde.serializer().serialize("top-up-outcomes", completed);
        byte[] second = serde.serializer().serialize("top-up-outcomes", failed);

        assertThat(first[0]).isZero();
        assertThat(second[0]).isZero();
        assertThat(ByteBuffer.wrap(first, 1, 4).getInt()).isNotEqualTo(ByteBuffer.wrap(second, 1, 4).getInt());
        SpecificRecord one = serde.deserializer().deserialize("top-up-outcomes", first);
        SpecificRecord two = serde.deserializer().deserialize("top-up-outcomes", second);
        assertThat(one).isEqualTo(completed);
        assertThat(two).isEqualTo(failed);
    }

    @Test
    void a_subject_without_our_schema_is_written_single_object_and_the_registry_is_not_asked_for_every_record() {
        WireFormat.useRegistry(registry);

        for (int i = 0; i < 100; i++) {
            byte[] bytes = Topics.USAGE_EVENTS.valueSerde().serializer().serialize("usage-events", usage("e-" + i));
            assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        }
        byte[] internal = Topics.USAGE_EVENTS.valueSerde().serializer().serialize("balance-service-usage-repartition", usage("x"));

        assertThat(internal[0]).as("a service's internal topic has no subject").isEqualTo((byte) 0xC3);
        assertThat(registry.lookups).containsExactly("usage-events-value");
    }

    @Test
    void an_id_the_registry_does_not_know_is_refused_with_the_reason() {
        WireFormat.useRegistry(registry);
        byte[] bytes = ByteBuffer.allocate(9).put((byte) 0).putInt(4711).putInt(0).array();

        assertThatThrownBy(() -> Topics.USAGE_EVENTS.valueSerde().deserializer().deserialize("usage-events", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Schema id 4711 is not in the test registry");
    }

    @Test
    void an_id_of_another_event_type_is_refused_with_what_the_topic_carries() {
        int id = registry.register("top-up-outcomes-io.autotopup.events.TopUpFailed", TopUpFailed.getClassSchema());
        WireFormat.useRegistry(registry);
        byte[] bytes = ByteBuffer.allocate(9).put((byte) 0).putInt(id).putInt(0).array();

        assertThatThrownBy(() -> Topics.USAGE_EVENTS.valueSerde().deserializer().deserialize("usage-events", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is a io.autotopup.events.TopUpFailed; this topic carries [UsageRecorded]");
    }

    @Test
    void a_framed_record_without_a_registry_names_the_setting_that_is_missing() {
        byte[] bytes = ByteBuffer.allocate(9).put((byte) 0).putInt(1).putInt(0).array();

        assertThatThrownBy(() -> Topics.USAGE_EVENTS.valueSerde().deserializer().deserialize("usage-events", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("autotopup.schema-registry.url");
    }

    private static byte[] plainAvro(Schema schema, Object record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        if (record instanceof SpecificRecord specific) {
            new org.apache.avro.specific.SpecificDatumWriter<Object>(schema, org.apache.avro.specific.SpecificData.getForClass(specific.getClass()))
                    .write(record, encoder);
        } else {
            new GenericDatumWriter<Object>(schema, GenericData.get()).write(record, encoder);
        }
        encoder.flush();
        return out.toByteArray();
    }

    private static Object sample(Schema schema) {
        return switch (schema.getType()) {
            case STRING -> "sub-1";
            case LONG -> AT.toEpochMilli();
            case INT -> 1;
            case BOOLEAN -> true;
            case ENUM -> new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(0));
            case UNION -> null;
            case RECORD -> {
                GenericRecord nested = new GenericData.Record(schema);
                schema.getFields().forEach(field -> nested.put(field.name(), sample(field.schema())));
                yield nested;
            }
            default -> throw new IllegalArgumentException("no sample for " + schema);
        };
    }

    private static UsageRecorded usage(String eventId) {
        return UsageRecorded.newBuilder().setEventId(eventId).setCarrierId("unitel").setMsisdn("+8562055512345")
                .setUsageType(UsageType.DATA).setUnits(100).setUnit("MB").setCharge(money(8_000, "LAK")).setOccurredAt(AT).build();
    }

    /** A registry in memory: ids in order of registration, and every subject the serde asked about. */
    private static final class Registry implements SchemaResolver {
        private final Map<Integer, Schema> byId = new HashMap<>();
        private final Map<String, Map<Long, Integer>> subjects = new HashMap<>();
        private final List<String> lookups = new ArrayList<>();

        int register(String subject, Schema schema) {
            int id = byId.size() + 1;
            byId.put(id, schema);
            subjects.computeIfAbsent(subject, any -> new HashMap<>())
                    .put(org.apache.avro.SchemaNormalization.parsingFingerprint64(schema), id);
            return id;
        }

        @Override
        public Schema schemaById(int id) {
            Schema schema = byId.get(id);
            if (schema == null) {
                throw new SerializationException("Schema id " + id + " is not in the test registry");
            }
            return schema;
        }

        @Override
        public OptionalInt idOf(String subject, Schema schema) {
            lookups.add(subject);
            Integer id = subjects.getOrDefault(subject, Map.of()).get(org.apache.avro.SchemaNormalization.parsingFingerprint64(schema));
            return id == null ? OptionalInt.empty() : OptionalInt.of(id);
        }
    }
}
