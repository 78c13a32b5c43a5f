package io.autotopup.schemas;

import java.util.Currency;
import java.util.Map;

/**
 * How many minor units a currency has, for the {@code Money} of the events. ISO 4217 and the JDK give the
 * Lao kip two (the att), but no carrier or bank rates in att, so the kip is counted in whole kip here.
 */
public final class Currencies {

    private static final Map<String, Integer> OVERRIDES = Map.of("LAK", 0);

    private Currencies() {
    }

    /** @throws IllegalArgumentException for a code that is not ISO 4217, or a currency without minor units to count */
    public static int minorUnitDigits(String code) {
        if (code == null || !code.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("currency '" + code + "' is not an ISO 4217 code");
        }
        Integer override = OVERRIDES.get(code);
        if (override != null) {
            return override;
        }
        int digits;
        try {
            digits = Currency.getInstance(code).getDefaultFractionDigits();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("currency '" + code + "' is not an ISO 4217 code");
        }
        if (digits < 0) {
            throw new IllegalArgumentException("currency " + code + " has no minor units to count in");
        }
        return digits;
    }
}
