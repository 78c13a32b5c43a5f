package io.autotopup.notification.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmsSegmentsTest {

    @Test
    void seventy_characters_fit_one_message_without_a_header() {
        List<byte[]> parts = SmsSegments.ucs2("ກ".repeat(70), 7);

        assertThat(parts).hasSize(1);
        assertThat(parts.get(0)).hasSize(140);
    }

    @Test
    void a_longer_text_is_split_in_parts_of_67_with_a_concatenation_header() {
        String text = "ກ".repeat(150);
        List<byte[]> parts = SmsSegments.ucs2(text, 42);

        assertThat(parts).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(Arrays.copyOf(parts.get(i), 6)).containsExactly(5, 0, 3, 42, 3, i + 1);
        }
        StringBuilder joined = new StringBuilder();
        parts.forEach(part -> joined.append(new String(part, 6, part.length - 6, StandardCharsets.UTF_16BE)));
        assertThat(joined.toString()).isEqualTo(text);
    }

    @Test
    void a_gsm_text_of_160_characters_is_one_message_and_longer_ones_are_parts_of_153() {
        assertThat(SmsSegments.encode("a".repeat(160), 1).payloads()).singleElement().satisfies(p -> assertThat(p).hasSize(160));
        SmsSegments.Encoded long1 = SmsSegments.encode("b".repeat(161), 9);

        assertThat(long1.gsm7()).isTrue();
        assertThat(long1.payloads()).hasSize(2);
        assertThat(long1.payloads().get(0)).hasSize(6 + 153);
        assertThat(Arrays.copyOf(long1.payloads().get(0), 6)).containsExactly(5, 0, 3, 9, 2, 1);
    }

    @Test
    void an_escape_sequence_is_never_split_between_parts() {
        String text = "a".repeat(152) + "€" + "b".repeat(10);
        List<byte[]> parts = SmsSegments.gsm7(text, 1);

        assertThat(parts.get(0)).hasSize(6 + 152);
        assertThat(parts.get(1)[6]).isEqualTo((byte) 0x1B);
        StringBuilder joined = new StringBuilder();
        parts.forEach(part -> joined.append(Gsm7.decode(Arrays.copyOfRange(part, 6, part.length))));
        assertThat(joined.toString()).isEqualTo(text);
    }

    @Test
    void a_text_mixing_english_with_lao_or_an_emoji_goes_as_ucs_2() {
        assertThat(SmsSegments.encode("Hello ສະບາຍດີ", 1).gsm7()).isFalse();
        assertThat(SmsSegments.encode("Top-up done 👍", 1).gsm7()).isFalse();
        assertThat(SmsSegments.encode("Top-up done: $5.00 {ok}", 1).gsm7()).isTrue();
        String mixed = "Balance ຍອດເງິນ 50,000 ₭ 👍 ".repeat(4);
        StringBuilder joined = new StringBuilder();
        SmsSegments.encode(mixed, 3).payloads().forEach(part ->
                joined.append(new String(part, 6, part.length - 6, StandardCharsets.UTF_16BE)));
        assertThat(joined.toString()).isEqualTo(mixed);
    }

    @Test
    void a_surrogate_pair_is_never_split() {
        String text = "a".repeat(66) + "😀" + "b".repeat(10);
        List<byte[]> parts = SmsSegments.ucs2(text, 1);

        String first = new String(parts.get(0), 6, parts.get(0).length - 6, StandardCharsets.UTF_16BE);
        assertThat(first).isEqualTo("a".repeat(66));
        assertThat(new String(parts.get(1), 6, parts.get(1).length - 6, StandardCharsets.UTF_16BE)).startsWith("😀");
    }
}
