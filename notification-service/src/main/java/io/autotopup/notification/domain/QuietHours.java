package io.autotopup.notification.domain;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Non-urgent texts (a low-balance warning) are not sent at night: between 22:00 and 07:00 in the
 * subscriber's time zone they wait until 07:00. Urgent ones (codes, payment results) go at once.
 */
public record QuietHours(LocalTime start, LocalTime end, ZoneId zone) {

    public static final QuietHours VIENTIANE = new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0),
            ZoneId.of("Asia/Vientiane"));

    /** When a non-urgent text may go out if it is ready at {@code now}: now, or the end of the quiet hours. */
    public Instant sendableFrom(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        LocalTime time = local.toLocalTime();
        boolean quiet = start.isAfter(end) ? !time.isBefore(start) || time.isBefore(end)
                : !time.isBefore(start) && time.isBefore(end);
        if (!quiet) {
            return now;
        }
        ZonedDateTime endToday = local.with(end);
        return (endToday.isAfter(local) ? endToday : endToday.plusDays(1)).toInstant();
    }
}
