package io.autotopup.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyJsonTest {

    @Test
    void kip_are_whole_and_dollars_have_cents() {
        assertThat(new MoneyJson("50000", "LAK").toMinorUnits()).isEqualTo(50_000);
        assertThat(new MoneyJson("5.00", "USD").toMinorUnits()).isEqualTo(500);
        assertThat(new MoneyJson("5", "USD").toMinorUnits()).isEqualTo(500);
        assertThat(MoneyJson.of(50_000, "LAK")).isEqualTo(new MoneyJson("50000", "LAK"));
        assertThat(MoneyJson.of(500, "USD")).isEqualTo(new MoneyJson("5.00", "USD"));
    }

    @Test
    void more_decimals_than_the_currency_has_are_refused() {
        assertThatThrownBy(() -> new MoneyJson("5.001", "USD").toMinorUnits())
                .hasMessageContaining("more than 2 decimal places for USD");
        assertThatThrownBy(() -> new MoneyJson("100.5", "LAK").toMinorUnits())
                .hasMessageContaining("more than 0 decimal places for LAK");
    }

    @Test
    void unknown_currencies_and_non_numbers_are_refused_with_a_reason() {
        assertThatThrownBy(() -> new MoneyJson("5", "XYZ").toMinorUnits()).hasMessageContaining("not an ISO 4217 code");
        assertThatThrownBy(() -> new MoneyJson("five", "USD").toMinorUnits()).hasMessageContaining("not a decimal number");
        assertThatThrownBy(() -> new MoneyJson("5", "usd").toMinorUnits()).hasMessageContaining("not an ISO 4217 code");
    }
}
