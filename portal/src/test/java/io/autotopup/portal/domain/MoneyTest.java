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

    @Test
    void an_amount_is_read_as_people_type_it() {
        for (String typed : new String[] {"20000", "20,000", "20 000", "20\u00a0000", "20\u202f000", " 20000 ₭", "₭20,000", "20000 kip",
                "20000LAK", "20 000 ກີບ", "໒໐໐໐໐", "๒๐,๐๐๐"}) {
            assertThat(Money.typed(typed)).as("'%s'", typed).isEqualTo("20000");
        }
        assertThat(Money.typed("$5.50")).isEqualTo("5.50");
        assertThat(Money.typed("1,234.50 USD")).isEqualTo("1234.50");
        assertThat(Money.typed("  ")).isNull();
        assertThat(Money.typed(null)).isNull();
        assertThat(Money.typed("lots")).as("not a number: left for the service to refuse").isEqualTo("lots");
        assertThat(Money.typed("₭")).as("a mark alone is not an amount").isEqualTo("₭");
    }
}
