package io.autotopup.portal.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void money_reads_as_the_texts_write_it() {
        assertThat(Money.of("20000", "LAK").format()).isEqualTo("20,000 ₭");
        assertThat(new Money(-10_000, "LAK").format()).isEqualTo("−10,000 ₭");
        assertThat(Money.of("5.00", "USD").format()).isEqualTo("$5.00");
        assertThat(Money.of("5", "USD")).isEqualTo(new Money(500, "USD"));
        assertThat(new Money(1_234_567, "USD").amount()).isEqualTo("12345.67");
    }

    @Test
    void amounts_of_two_currencies_do_not_add_up() {
        assertThatThrownBy(() -> new Money(1, "LAK").plus(new Money(1, "USD"))).isInstanceOf(IllegalArgumentException.class);
    }
}
