package io.autotopup.notification.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuietHoursTest {

    @Test
    void daytime_texts_go_now_and_night_texts_wait_until_seven_in_vientiane() {
        Instant tenInTheMorning = Instant.parse("2026-11-24T03:00:00Z");
        Instant elevenAtNight = Instant.parse("2026-11-24T16:00:00Z");
        Instant threeInTheMorning = Instant.parse("2026-11-24T20:00:00Z");
        Instant sevenNextMorning = Instant.parse("2026-11-25T00:00:00Z");

        assertThat(QuietHours.VIENTIANE.sendableFrom(tenInTheMorning)).isEqualTo(tenInTheMorning);
        assertThat(QuietHours.VIENTIANE.sendableFrom(elevenAtNight)).isEqualTo(sevenNextMorning);
        assertThat(QuietHours.VIENTIANE.sendableFrom(threeInTheMorning)).isEqualTo(sevenNextMorning);
        assertThat(QuietHours.VIENTIANE.sendableFrom(sevenNextMorning)).isEqualTo(sevenNextMorning);
    }
}
