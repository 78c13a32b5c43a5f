package io.autotopup.portal.domain;

import java.time.Instant;

/**
 * A subscriber's auto top-up rule as the rule engine keeps it, with how far it has gone today and this month.
 *
 * @param topUpAmount    a FIXED rule's amount, or null
 * @param targetBalance  a TARGET rule's balance to top up to, or null
 * @param maxAmountPerMonth the monthly cap, or null for none
 * @param suspendedUntil when a SUSPENDED rule tops up again by itself, or null
 * @param lastOutcome    SUCCEEDED or the reason the last top-up failed, or null
 */
public record AutoTopUp(Money threshold, Mode mode, Money topUpAmount, Money targetBalance, String paymentMethodId,
        int maxTopUpsPerDay, Money maxAmountPerMonth, boolean enabled, RuleState state, int topUpsToday,
        Money amountThisMonth, String lastOutcome, Instant suspendedUntil) {

    public enum Mode {
        /** Top up a fixed amount. */
        FIXED,
        /** Top up to a balance. */
        TARGET
    }

    /** What a top-up would be at this balance, before the caps: the fixed amount, or what brings it to the target. */
    public Money amountAt(Money balance) {
        return mode == Mode.FIXED ? topUpAmount : targetBalance.minus(balance);
    }
}
