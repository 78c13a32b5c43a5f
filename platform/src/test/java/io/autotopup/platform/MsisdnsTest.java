package io.autotopup.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MsisdnsTest {

    @Test
    void a_number_is_shown_as_people_write_it() {
        assertThat(Msisdns.asWritten("+8562052726595")).isEqualTo("020 5272 6595");
        assertThat(Msisdns.asWritten("+856301234567")).isEqualTo("030 123 4567");
        assertThat(Msisdns.asWritten("+66812345678")).as("a number from abroad, with its country").isEqualTo("+66 81 234 5678");
        assertThat(Msisdns.asWritten("not a number")).isEqualTo("not a number");
        assertThat(Msisdns.asWritten(null)).isNull();
    }

    @Test
    void what_people_write_is_read_back_as_the_same_number() {
        assertThat(Msisdns.toE164(Msisdns.asWritten("+8562052726595"))).hasValue("+8562052726595");
        assertThat(Msisdns.toE164(Msisdns.asWritten("+856301234567"))).hasValue("+856301234567");
    }

    @Test
    void a_numbers_country_calling_code_is_read_from_its_e164_form() {
        assertThat(Msisdns.countryCode("+8562052726595")).hasValue("856");
        assertThat(Msisdns.countryCode("+66812345678")).hasValue("66");
        assertThat(Msisdns.countryCode("+12025550123")).hasValue("1");
        assertThat(Msisdns.countryCode("02052726595")).as("not E.164").isEmpty();
        assertThat(Msisdns.countryCode(null)).isEmpty();
    }
}
