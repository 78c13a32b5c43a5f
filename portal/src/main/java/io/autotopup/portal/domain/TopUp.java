package io.autotopup.portal.domain;

import java.time.Instant;

/**
 * One top-up the rule asked for.
 *
 * @param state   PENDING, COMPLETED (paid), CREDITED (on the balance) or FAILED
 * @param outcome the reason it failed, or null
 */
public record TopUp(String requestId, Money amount, String state, String outcome, Instant requestedAt, Instant updatedAt) {

    public boolean failed() {
        return "FAILED".equals(state);
    }

    public boolean succeeded() {
        return "COMPLETED".equals(state) || "CREDITED".equals(state);
    }
}
