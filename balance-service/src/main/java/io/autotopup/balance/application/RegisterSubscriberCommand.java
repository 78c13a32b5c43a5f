package io.autotopup.balance.application;

import java.util.Objects;
import java.util.Set;

/**
 * A request to register a subscriber, already checked: MSISDN in E.164, a currency code, one of the
 * supported languages, and an opening balance (in minor units, possibly 0) in the account currency.
 */
public record RegisterSubscriberCommand(String msisdn, String currency, String language, long openingBalance,
        String iccid) {

    public static final Set<String> LANGUAGES = Set.of("en", "lo", "zh", "th");

    public RegisterSubscriberCommand {
        Objects.requireNonNull(msisdn, "msisdn");
        Objects.requireNonNull(currency, "currency");
        if (!msisdn.matches("\\+[1-9]\\d{6,14}")) {
            throw new IllegalArgumentException("msisdn must be in E.164");
        }
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language must be one of " + LANGUAGES);
        }
        if (iccid != null && !iccid.matches("\\d{18,22}F?")) {
            throw new IllegalArgumentException("iccid must be 18 to 22 digits");
        }
    }
}
