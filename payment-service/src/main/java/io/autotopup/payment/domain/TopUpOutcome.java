package io.autotopup.payment.domain;

/** The one outcome of a top-up request. */
public sealed interface TopUpOutcome {

    String requestId();

    record Completed(String requestId, String paymentMethodId, String paymentReference) implements TopUpOutcome {
    }

    record Failed(String requestId, String paymentMethodId, FailureReason reason, String detail) implements TopUpOutcome {
    }

    enum FailureReason { CARD_DECLINED, INSUFFICIENT_FUNDS, NO_PAYMENT_METHOD, GATEWAY_UNAVAILABLE }

    /** Maps the gateway's answer for one method to the outcome of the request. */
    static TopUpOutcome of(String requestId, String paymentMethodId, ChargeResult result) {
        if (result instanceof ChargeResult.Succeeded succeeded) {
            return new Completed(requestId, paymentMethodId, succeeded.paymentReference());
        }
        if (result instanceof ChargeResult.Declined declined) {
            return new Failed(requestId, paymentMethodId,
                    declined.hard() ? FailureReason.CARD_DECLINED : FailureReason.INSUFFICIENT_FUNDS, declined.declineCode());
        }
        return new Failed(requestId, paymentMethodId, FailureReason.GATEWAY_UNAVAILABLE,
                ((ChargeResult.Unavailable) result).detail());
    }
}
