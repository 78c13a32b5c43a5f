package io.autotopup.notification.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MoneyTextTest {

    @Test
    void kip_and_dollars_read_as_subscribers_expect() {
        assertThat(MoneyText.format(50_000, "LAK")).isEqualTo("50,000 ₭");
        assertThat(MoneyText.format(500, "USD")).isEqualTo("$5.00");
        assertThat(MoneyText.format(-1_250, "USD")).isEqualTo("-$12.50");
        assertThat(MoneyText.format(10_000, "THB")).isEqualTo("100.00 ฿");
    }
}
