package io.autotopup.balance.domain;

/** One applied change: what it was, how much, and the balance before and after. */
public record LedgerEntry(Balance before, Balance after, LedgerReason reason, String causationId) {

    public long delta() {
        return after.minorUnits() - before.minorUnits();
    }
}
