package io.autotopup.rules.domain;

/**
 * One top-up as the subscriber's history shows it.
 *
 * @param status  PENDING, COMPLETED (paid, not yet credited), CREDITED, FAILED, or REFUSED (a top-up the subscriber
 *                asked for that was not asked of the payment service: one was in flight, or a cap was reached)
 * @param outcome the failure or refusal reason, or null
 * @param manual  the subscriber asked for it (Top up now); else the rule did
 */
public record TopUpRecord(String requestId, long amount, String currency, String triggeringEventId, String status,
        String outcome, long requestedAt, long updatedAt, boolean manual) {

    public TopUpRecord(String requestId, long amount, String currency, String triggeringEventId, String status, String outcome,
            long requestedAt, long updatedAt) {
        this(requestId, amount, currency, triggeringEventId, status, outcome, requestedAt, updatedAt, false);
    }

    TopUpRecord with(String newStatus, String newOutcome, long at) {
        return new TopUpRecord(requestId, amount, currency, triggeringEventId, newStatus, newOutcome, requestedAt, at, manual);
    }
}
