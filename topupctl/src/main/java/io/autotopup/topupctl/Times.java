package io.autotopup.topupctl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Times on the command line: an ISO-8601 instant ({@code 2026-11-24T03:00:00Z}), a date-time or a date in UTC
 * ({@code 2026-11-24T03:00}, {@code 2026-11-24}), {@code now}, or an age ({@code 15m}, {@code 2h}, {@code 7d}
 * ago; also {@code 30s}).
 */
public final class Times implements ITypeConverter<Instant> {

    private static final Pattern AGE = Pattern.compile("(\\d+)\\s*(s|m|h|d)(?:\\s+ago)?");

    private final Clock clock;

    public Times() {
        this(Clock.systemUTC());
    }

    Times(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Instant convert(String value) {
        String text = value.trim();
        if (text.equalsIgnoreCase("now")) {
            return clock.instant();
        }
        Matcher age = AGE.matcher(text);
        if (age.matches()) {
            long amount = Long.parseLong(age.group(1));
            Duration duration = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return clock.instant().minus(duration);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notADateTime) {
                try {
                    return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notADate) {
                    throw new TypeConversionException("'" + value + "' is not a time: use 2026-11-24T03:00:00Z, "
                            + "2026-11-24, now, or an age such as 15m, 2h, 7d");
                }
            }
        }
    }
}
