package io.autotopup.portal.domain;

import java.util.List;

/**
 * Why a top-up failed, in plain words, and what the subscriber can do about it: the answers of the FAQ. The reason is
 * the payment service's ({@code TopUpFailureReason}); each has a message key {@code help.<reason>} and each action a
 * key {@code help.action.<action>}.
 */
public record FailureHelp(String reason, List<Action> actions) {

    public enum Action {
        /** Add a card again with new details, or another card. */
        UPDATE_CARD,
        /** Add a payment method: there is none to charge. */
        ADD_METHOD,
        /** Pick another payment method as the default. */
        OTHER_METHOD,
        /** Resume the rule, which a failure suspended or disabled. */
        RESUME_RULE,
        /** Nothing to do: it is tried again by itself. */
        WAIT,
        /** Ask the carrier. */
        CONTACT_CARRIER
    }

    public static FailureHelp forReason(String reason, RuleState state) {
        String known = reason == null ? "UNKNOWN" : reason;
        List<Action> actions = switch (known) {
            case "CARD_DECLINED" -> List.of(Action.UPDATE_CARD, Action.OTHER_METHOD);
            case "INSUFFICIENT_FUNDS" -> List.of(Action.OTHER_METHOD, Action.UPDATE_CARD);
            case "NO_PAYMENT_METHOD" -> List.of(Action.ADD_METHOD);
            case "GATEWAY_UNAVAILABLE" -> List.of(Action.WAIT);
            default -> List.of(Action.CONTACT_CARRIER);
        };
        if (state != null && state.needsResume() && state != RuleState.PAUSED) {
            actions = new java.util.ArrayList<>(actions);
            actions.add(Action.RESUME_RULE);
            actions = List.copyOf(actions);
        }
        return new FailureHelp(switch (known) {
            case "CARD_DECLINED", "INSUFFICIENT_FUNDS", "NO_PAYMENT_METHOD", "GATEWAY_UNAVAILABLE" -> known;
            default -> "UNKNOWN";
        }, actions);
    }

    public String messageKey() {
        return "help." + reason.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
