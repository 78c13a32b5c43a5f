package io.autotopup.topupctl;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotopup.events.Language;
import io.autotopup.events.SmsRequested;
import io.autotopup.events.SmsMessageType;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.schemas.Topics;
import io.autotopup.topupctl.records.RecordLines;
import io.autotopup.topupctl.records.RecordLines.BadLine;
import io.autotopup.topupctl.records.RecordLines.Line;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The file format: what export writes, import reads back to the same bytes; what it cannot read, it says why. */
class RecordLinesTest {

    private static final Instant T0 = Instant.parse("2026-11-24T03:00:00.120Z");

    @Test
    void a_record_written_as_a_line_reads_back_to_the_same_key_timestamp_headers_and_bytes() throws BadLine {
        UsageRecorded usage = UsageRecorded.newBuilder().setEventId("cdr-1").setCarrierId("unitel").setMsisdn("+8562055512345")
                .setUsageType(UsageType.DATA).setUnits(100).setUnit("MB").setCharge(money(8_000, "LAK")).setOccurredAt(T0).build();
        byte[] bytes = Topics.USAGE_EVENTS.valueSerde().serializer().serialize(Topics.USAGE_EVENTS.name(), usage);
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
        headers.add("kafka_dlt-original-partition", new byte[] {0, 0, 0, (byte) 0xff});

        String text = RecordLines.toLine(record(Topics.USAGE_EVENTS.name(), "+8562055512345", bytes, headers), false);
        Line line = RecordLines.parse(text, Topics.USAGE_EVENTS.name());

        assertThat(text).startsWith("{\"key\":\"+8562055512345\",\"timestamp\":\"2026-11-24T03:00:00.120Z\",\"headers\":[")
                .contains("\"type\":\"UsageRecorded\"").contains("\"eventId\":\"cdr-1\"").contains("\"base64\":\"AAAA/w==\"");
        assertThat(line.key()).isEqualTo("+8562055512345");
        assertThat(line.timestamp()).isEqualTo(T0.toEpochMilli());
        assertThat(line.headers()).containsExactlyElementsOf(headers);
        assertThat(line.value(Topics.USAGE_EVENTS.name())).isEqualTo(bytes);
    }

    @Test
    void every_type_of_a_topic_that_carries_several_reads_back_and_a_tombstone_stays_one() throws BadLine {
        SpecificRecord registered = SubscriberRegistered.newBuilder().setSubscriberId("sub-1").setMsisdn("+8562055512345")
                .setCurrency("LAK").setLanguage(Language.LO).setStatus(SubscriberStatus.ACTIVE).setOpeningBalance(null)
                .setRegisteredAt(T0).build();
        byte[] bytes = Topics.SUBSCRIBERS.valueSerde().serializer().serialize(Topics.SUBSCRIBERS.name(), registered);

        Line line = RecordLines.parse(RecordLines.toLine(record(Topics.SUBSCRIBERS.name(), "sub-1", bytes, new RecordHeaders()), true),
                Topics.SUBSCRIBERS.name());
        Line tombstone = RecordLines.parse(RecordLines.toLine(record(Topics.SUBSCRIBERS.name(), "sub-1", null, new RecordHeaders()),
                false), Topics.SUBSCRIBERS.name());

        assertThat(line.event()).isEqualTo(registered);
        assertThat(line.value(Topics.SUBSCRIBERS.name())).isEqualTo(bytes);
        assertThat(tombstone.value(Topics.SUBSCRIBERS.name())).isNull();
    }

    @Test
    void bytes_that_are_no_event_are_kept_raw_for_a_dead_letter_topic_and_refused_for_a_catalogue_topic() throws BadLine {
        byte[] poison = "{\"msisdn\":\"+856\",\"charge\":1000}".getBytes(StandardCharsets.UTF_8);
        String text = RecordLines.toLine(record(Topics.USAGE_EVENTS.deadLetterTopic(), "k", poison, new RecordHeaders()), false);

        assertThat(RecordLines.parse(text, Topics.USAGE_EVENTS.deadLetterTopic()).value("any")).isEqualTo(poison);
        assertThatThrownBy(() -> RecordLines.parse(text, Topics.USAGE_EVENTS.name())).isInstanceOf(BadLine.class)
                .hasMessageContaining("raw bytes cannot be written to usage-events");
    }

    @Test
    void a_bad_line_says_what_is_wrong_with_it() {
        assertThat(reason("{not json")).startsWith("not JSON");
        assertThat(reason("{\"key\":\"k\",\"type\":\"UsageRecorded\",\"value\":{}}")).isEqualTo("\"timestamp\" is missing");
        assertThat(reason("{\"key\":\"k\",\"timestamp\":\"yesterday\",\"type\":\"UsageRecorded\",\"value\":{}}"))
                .contains("not an ISO-8601 instant");
        assertThat(reason("{\"key\":\"k\",\"timestamp\":\"2026-11-24T03:00:00Z\",\"type\":\"Usage\",\"value\":{}}"))
                .startsWith("unknown event type \"Usage\"");
        assertThat(reason("{\"key\":\"k\",\"timestamp\":\"2026-11-24T03:00:00Z\",\"type\":\"SmsRequested\",\"value\":{}}"))
                .isEqualTo("SmsRequested may not be written to usage-events, which carries [UsageRecorded]");
        assertThat(reason("{\"key\":\"k\",\"timestamp\":\"2026-11-24T03:00:00Z\",\"type\":\"UsageRecorded\",\"value\":{\"eventId\":\"e\"}}"))
                .startsWith("value is not a valid UsageRecorded");
        assertThat(reason("{\"key\":\"k\",\"timestamp\":\"2026-11-24T03:00:00Z\",\"headers\":[{\"value\":\"x\"}],\"type\":null}"))
                .isEqualTo("a header without a \"key\"");
    }

    @Test
    void a_text_with_thai_and_lao_survives_the_round_trip() throws BadLine {
        SmsRequested sms = SmsRequested.newBuilder().setSmsId("s-1").setSubscriberId("sub-1").setMsisdn("+8562055512345")
                .setLanguage(Language.TH).setMessageType(SmsMessageType.LOW_BALANCE).setText("ยอดเงินของคุณเหลือน้อย ເງິນ")
                .setSourceEventId("bc-1").setRequestedAt(T0).build();
        byte[] bytes = Topics.NOTIFICATIONS.valueSerde().serializer().serialize(Topics.NOTIFICATIONS.name(), sms);

        Line line = RecordLines.parse(RecordLines.toLine(record(Topics.NOTIFICATIONS.name(), "sub-1", bytes, new RecordHeaders()),
                false), Topics.NOTIFICATIONS.name());

        assertThat(line.value(Topics.NOTIFICATIONS.name())).isEqualTo(bytes);
    }

    private static String reason(String line) {
        try {
            RecordLines.parse(line, Topics.USAGE_EVENTS.name());
            return "(accepted)";
        } catch (BadLine e) {
            return e.getMessage();
        }
    }

    private static ConsumerRecord<String, byte[]> record(String topic, String key, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>(topic, 1, 42, T0.toEpochMilli(), TimestampType.CREATE_TIME, -1, value == null ? -1 : value.length,
                key, value, headers, java.util.Optional.empty());
    }
}
