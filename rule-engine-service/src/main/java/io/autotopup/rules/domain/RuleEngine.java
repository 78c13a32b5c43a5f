package io.autotopup.rules.domain;

import io.autotopup.rules.domain.TopUpDecision.TopUpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * When to top up. A balance change below the threshold asks for one top-up, unless one is already in
 * flight: a request stays in flight until its credit arrives as a balance change caused by it, or it fails
 * for good. So the balance the engine acts on is the ledger balance plus what is on its way, and a usage
 * event between a payment and its credit never causes a second charge. A balance change at or below the
 * last version seen is a replay and changes nothing. A final failure suspends the rule until it is set
 * again, so a declining card is not charged on every usage event.
 */
public final class RuleEngine {

    private RuleEngine() {
    }

    public static TopUpDecision onBalanceChanged(String subscriberId, AutoTopUpRule rule, TopUpState state,
            BalanceObservation balance) {
        if (balance.version() <= state.lastBalanceVersion()) {
            return new TopUpDecision(state, null);
        }
        TopUpState seen = new TopUpState(balance.version(), state.inFlightRequestId(), state.inFlightAmount(),
                state.suspended(), state.lastOutcome());
        if (seen.inFlight() && balance.topUpCredit() && balance.causationId().equals(seen.inFlightRequestId())) {
            seen = new TopUpState(balance.version(), null, 0, seen.suspended(), "SUCCEEDED");
        }
        if (seen.inFlight() || seen.suspended() || rule == null || !rule.enabled()
                || !rule.currency().equals(balance.currency()) || balance.newBalance() >= rule.threshold()) {
            return new TopUpDecision(seen, null);
        }
        String requestId = requestId(subscriberId, balance.eventId());
        TopUpRequest request = new TopUpRequest(requestId, rule.topUpAmount(), rule.currency(), rule.paymentMethodId(),
                balance.eventId());
        return new TopUpDecision(new TopUpState(balance.version(), requestId, rule.topUpAmount(), false,
                seen.lastOutcome()), request);
    }

    /** A final failure of the request in flight ends it and suspends the rule. */
    public static TopUpState onTopUpFailed(TopUpState state, String requestId, boolean isFinal, String reason) {
        if (!isFinal || !requestId.equals(state.inFlightRequestId())) {
            return state;
        }
        return new TopUpState(state.lastBalanceVersion(), null, 0, true, "FAILED:" + reason);
    }

    /** Setting the rule again lifts a suspension; what is in flight stays in flight. */
    public static TopUpState onRuleSet(TopUpState state) {
        return new TopUpState(state.lastBalanceVersion(), state.inFlightRequestId(), state.inFlightAmount(), false,
                state.lastOutcome());
    }

    /** Live state for the API: PENDING, SUSPENDED, PAUSED or ARMED. */
    public static String liveState(AutoTopUpRule rule, TopUpState state) {
        if (state.inFlight()) {
            return "PENDING";
        }
        if (state.suspended()) {
            return "SUSPENDED";
        }
        return rule.enabled() ? "ARMED" : "PAUSED";
    }

    static String requestId(String subscriberId, String triggeringEventId) {
        return UUID.nameUUIDFromBytes(("top-up:" + subscriberId + ":" + triggeringEventId)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }
}
