package io.autotopup.portal.domain;

import java.time.Instant;

/**
 * One top-up the rule asked for.
 *
 * @param state   PENDING, COMPLETED (paid), CREDITED (on the balance), FAILED, or REFUSED (a top-up asked for now
 *                that was not made: one was on its way, or a cap was reached)
 * @param outcome the reason it failed or was refused, or null
 * @param manual  the subscriber asked for it (Top up now); else the rule did
 */
public record TopUp(String requestId, Money amount, String state, String outcome, Instant requestedAt, Instant updatedAt,
        boolean manual) {

    public boolean failed() {
        return "FAILED".equals(state);
    }

    public boolean refused() {
        return "REFUSED".equals(state);
    }

    public boolean succeeded() {
        return "COMPLETED".equals(state) || "CREDITED".equals(state);
    }
}
