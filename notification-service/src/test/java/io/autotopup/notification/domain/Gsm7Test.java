package io.autotopup.notification.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Gsm7Test {

    @Test
    void english_with_dollars_and_euros_is_gsm_and_survives_the_round_trip() {
        String text = "Auto top-up: $5.00 added [ref {42}], €1 ~ ok.";

        assertThat(Gsm7.canEncode(text)).isTrue();
        byte[] septets = Gsm7.encode(text);
        assertThat(septets).as("[ ] { } € ~ are escaped: two septets each").hasSize(text.length() + 6);
        assertThat(Gsm7.decode(septets)).isEqualTo(text);
        assertThat(Gsm7.encode("$")).containsExactly(0x02);
        assertThat(Gsm7.encode("@")).containsExactly(0x00);
    }

    @Test
    void lao_thai_chinese_and_the_kip_sign_are_not_gsm() {
        assertThat(Gsm7.canEncode("ເຕີມເງິນ")).isFalse();
        assertThat(Gsm7.canEncode("เติมเงิน")).isFalse();
        assertThat(Gsm7.canEncode("自动充值")).isFalse();
        assertThat(Gsm7.canEncode("50,000 ₭")).isFalse();
    }
}
