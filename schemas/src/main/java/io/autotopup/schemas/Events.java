package io.autotopup.schemas;

import io.autotopup.events.Money;

/** Small helpers for building event records. */
public final class Events {

    private Events() {
    }

    /** A {@link Money} of {@code minorUnits} in {@code currency} (ISO 4217). */
    public static Money money(long minorUnits, String currency) {
        return Money.newBuilder().setMinorUnits(minorUnits).setCurrency(currency).build();
    }
}
