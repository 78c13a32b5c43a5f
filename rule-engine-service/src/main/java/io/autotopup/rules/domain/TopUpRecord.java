package io.autotopup.rules.domain;

/**
 * One top-up as the subscriber's history shows it.
 *
 * @param status  PENDING, COMPLETED (paid, not yet credited), CREDITED or FAILED
 * @param outcome the failure reason, or null
 */
public record TopUpRecord(String requestId, long amount, String currency, String triggeringEventId, String status,
        String outcome, long requestedAt, long updatedAt) {

    TopUpRecord with(String newStatus, String newOutcome, long at) {
        return new TopUpRecord(requestId, amount, currency, triggeringEventId, newStatus, newOutcome, requestedAt, at);
    }
}
