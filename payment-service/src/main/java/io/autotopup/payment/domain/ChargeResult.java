package io.autotopup.payment.domain;

import java.util.Set;

/** What the gateway answered to a charge, classified. */
public sealed interface ChargeResult {

    record Succeeded(String paymentReference) implements ChargeResult {
    }

    /**
     * A decline: HARD (stolen or lost card, invalid account, do-not-honour: never retried on that method)
     * or SOFT (insufficient funds, over limit).
     */
    record Declined(String declineCode, boolean hard) implements ChargeResult {
    }

    /** The gateway could not be reached or kept failing after retries; nobody knows if it charged. */
    record Unavailable(String detail) implements ChargeResult {
    }

    Set<String> SOFT_DECLINES = Set.of("insufficient_funds", "over_limit", "withdrawal_count_limit_exceeded");

    static Declined declined(String declineCode) {
        return new Declined(declineCode, !SOFT_DECLINES.contains(declineCode));
    }
}
