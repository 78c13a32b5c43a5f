package io.autotopup.rules.domain;

/**
 * The state after an event, and the top-up to request, if any.
 *
 * @param request null when nothing is to be requested
 */
public record TopUpDecision(TopUpState state, TopUpRequest request) {

    /** A top-up to request: the id is derived from the triggering event, so a replay asks with the same id. */
    public record TopUpRequest(String requestId, long amount, String currency, String paymentMethodId,
            String triggeringEventId) {
    }
}
