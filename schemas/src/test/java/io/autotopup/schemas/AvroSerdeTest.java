package io.autotopup.schemas;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpFailureReason;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static final Instant AT = Instant.parse("2026-11-24T03:00:00Z");

    @Test
    void a_usage_event_survives_the_round_trip_with_its_schema_fingerprint_in_front() {
        UsageRecorded usage = usage("e-1");
        byte[] bytes = Topics.USAGE_EVENTS.valueSerde().serializer().serialize("usage-events", usage);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(Topics.USAGE_EVENTS.valueSerde().deserializer().deserialize("usage-events", bytes))
                .isEqualTo(usage);
    }

    @Test
    void a_topic_with_two_event_types_gives_back_each_as_its_own_class() {
        TopUpCompleted completed = TopUpCompleted.newBuilder().setRequestId("r-1").setSubscriberId("s-1")
                .setAmount(money(50_000, "LAK")).setPaymentMethodId("pm-1").setPaymentReference("ch_1")
                .setCompletedAt(AT).build();
        TopUpFailed failed = TopUpFailed.newBuilder().setRequestId("r-2").setSubscriberId("s-1")
                .setAmount(money(500, "USD")).setReason(TopUpFailureReason.CARD_DECLINED).setIsFinal(true)
                .setFailedAt(AT).build();
        var serde = Topics.TOP_UP_OUTCOMES.valueSerde();

        SpecificRecord first = serde.deserializer().deserialize("t", serde.serializer().serialize("t", completed));
        SpecificRecord second = serde.deserializer().deserialize("t", serde.serializer().serialize("t", failed));

        assertThat(first).isInstanceOf(TopUpCompleted.class).isEqualTo(completed);
        assertThat(second).isInstanceOf(TopUpFailed.class).isEqualTo(failed);
    }

    @Test
    void single_object_bytes_are_exactly_what_avros_own_message_encoder_writes() throws Exception {
        UsageRecorded usage = usage("e-avro");
        byte[] ours = Topics.USAGE_EVENTS.valueSerde().serializer().serialize("usage-events", usage);
        java.nio.ByteBuffer avros = new BinaryMessageEncoder<UsageRecorded>(org.apache.avro.specific.SpecificData.get(),
                UsageRecorded.getClassSchema()).encode(usage);
        byte[] expected = new byte[avros.remaining()];
        avros.get(expected);

        assertThat(ours).isEqualTo(expected);
    }

    @Test
    void records_encoded_and_decoded_on_many_threads_at_once_each_come_back_whole() throws Exception {
        var serde = Topics.USAGE_EVENTS.valueSerde();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        UsageRecorded usage = usage("t" + thread + "-" + i + "-" + "x".repeat(i % 300));
                        if (!serde.deserializer().deserialize("usage-events", serde.serializer().serialize("usage-events", usage)).equals(usage)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (var result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void a_tombstone_stays_null() {
        assertThat(Topics.AUTO_TOP_UP_RULES.valueSerde().serializer().serialize("t", null)).isNull();
        assertThat(Topics.AUTO_TOP_UP_RULES.valueSerde().deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void bytes_that_are_not_single_object_encoded_are_refused_with_a_reason() {
        assertThatThrownBy(() -> Topics.USAGE_EVENTS.valueSerde().deserializer()
                .deserialize("usage-events", "{\"msisdn\":\"+856\"}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Not an Avro record on usage-events");
    }

    @Test
    void an_event_of_another_type_is_refused_on_a_topic_that_does_not_carry_it() {
        byte[] usageBytes = Topics.USAGE_EVENTS.valueSerde().serializer().serialize("usage-events", usage("e-2"));

        assertThatThrownBy(() -> Topics.TOP_UP_OUTCOMES.valueSerde().deserializer()
                .deserialize("top-up-outcomes", usageBytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is a UsageRecorded");
    }

    @Test
    void a_truncated_body_is_refused_not_half_decoded() {
        byte[] bytes = Topics.USAGE_EVENTS.valueSerde().serializer().serialize("usage-events", usage("e-3"));
        byte[] truncated = java.util.Arrays.copyOf(bytes, 14);

        assertThatThrownBy(() -> Topics.USAGE_EVENTS.valueSerde().deserializer().deserialize("usage-events", truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot decode UsageRecorded");
    }

    @Test
    void a_record_written_with_another_published_version_decodes_into_the_current_class() throws Exception {
        EventSchemas evolved = new EventSchemas(List.of(UsageRecorded.class), "evolution/");
        Schema v2 = evolved.versionsOf(UsageRecorded.class).get(1);
        GenericRecord charge = new GenericRecordBuilder(v2.getField("charge").schema())
                .set("minorUnits", 1_500L).set("currency", "LAK").build();
        GenericRecord written = new GenericRecordBuilder(v2)
                .set("eventId", "e-9").set("carrierId", "unitel").set("msisdn", "+8562055512345")
                .set("usageType", new GenericData.EnumSymbol(v2.getField("usageType").schema(), "DATA"))
                .set("units", 12L).set("unit", "MB").set("charge", charge)
                .set("occurredAt", AT.toEpochMilli()).set("roaming", true).build();
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(written);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        UsageRecorded read = new AvroSerde<>(evolved, UsageRecorded.class, List.of(UsageRecorded.class))
                .deserialize("usage-events", bytes);

        assertThat(read.getEventId()).isEqualTo("e-9");
        assertThat(read.getCharge()).isEqualTo(money(1_500, "LAK"));
        assertThat(read.getOccurredAt()).isEqualTo(AT);
        assertThatThrownBy(() -> Topics.USAGE_EVENTS.valueSerde().deserializer().deserialize("usage-events", bytes))
                .as("the catalogue has not published v2, so it must not guess")
                .hasMessageContaining("not a published schema");
    }

    @Test
    void a_rule_written_with_v1_before_v2_existed_still_decodes_with_the_v2_defaults() {
        Schema v1 = EventSchemas.instance().versionsOf(io.autotopup.events.AutoTopUpRuleSet.class).get(0);
        Schema moneySchema = v1.getField("threshold").schema();
        GenericRecord written = new GenericRecordBuilder(v1).set("subscriberId", "s-1")
                .set("threshold", new GenericRecordBuilder(moneySchema).set("minorUnits", 10_000L).set("currency", "LAK").build())
                .set("topUpAmount", new GenericRecordBuilder(moneySchema).set("minorUnits", 50_000L).set("currency", "LAK").build())
                .set("paymentMethodId", null).set("enabled", true).set("setAt", AT.toEpochMilli()).build();
        ByteBuffer encoded;
        try {
            encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(written);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        io.autotopup.events.AutoTopUpRuleSet read = Topics.AUTO_TOP_UP_RULES.valueSerde().deserializer()
                .deserialize("auto-top-up-rules", bytes);

        assertThat(read.getTopUpAmount()).isEqualTo(money(50_000, "LAK"));
        assertThat(read.getMode()).isEqualTo(io.autotopup.events.TopUpMode.FIXED);
        assertThat(read.getMaxTopUpsPerDay()).isEqualTo(3);
        assertThat(read.getMaxAmountPerMonth()).isNull();
        assertThat(read.getTimeZone()).isEqualTo("Asia/Vientiane");
    }

    private static UsageRecorded usage(String eventId) {
        return UsageRecorded.newBuilder().setEventId(eventId).setCarrierId("unitel").setMsisdn("+8562055512345")
                .setUsageType(UsageType.DATA).setUnits(100).setUnit("MB").setCharge(money(2_000, "LAK"))
                .setOccurredAt(AT).build();
    }
}
