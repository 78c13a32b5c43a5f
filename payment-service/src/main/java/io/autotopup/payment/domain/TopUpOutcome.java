package io.autotopup.payment.domain;

import java.util.List;

/** The one outcome of a top-up request, with every charge attempt that led to it. */
public sealed interface TopUpOutcome {

    String requestId();

    List<ChargeAttempt> attempts();

    /** @param paymentMethodLast4 the last 4 digits of the card charged, or null (a wallet) */
    record Completed(String requestId, String paymentMethodId, String paymentMethodLast4, String paymentReference,
            List<ChargeAttempt> attempts) implements TopUpOutcome {
    }

    record Failed(String requestId, String paymentMethodId, FailureReason reason, String detail, List<ChargeAttempt> attempts)
            implements TopUpOutcome {
    }

    enum FailureReason { CARD_DECLINED, INSUFFICIENT_FUNDS, NO_PAYMENT_METHOD, GATEWAY_UNAVAILABLE }

    /**
     * The outcome after trying methods in order: the first success completes it; a gateway that gives no
     * answer ends it (another method would go to the same gateway); when every method declined, the reason
     * is insufficient funds if any decline was soft, else the card was declined.
     */
    static TopUpOutcome settle(String requestId, List<ChargeAttempt> attempts, java.util.function.Function<String, String> last4) {
        ChargeAttempt last = attempts.get(attempts.size() - 1);
        if (last.result() == ChargeAttempt.Result.SUCCEEDED) {
            return new Completed(requestId, last.paymentMethodId(), last4.apply(last.paymentMethodId()),
                    last.paymentReference(), List.copyOf(attempts));
        }
        if (last.result() == ChargeAttempt.Result.UNAVAILABLE) {
            return new Failed(requestId, last.paymentMethodId(), FailureReason.GATEWAY_UNAVAILABLE, last.detail(),
                    List.copyOf(attempts));
        }
        boolean anySoft = attempts.stream().anyMatch(attempt -> attempt.result() == ChargeAttempt.Result.DECLINED_SOFT);
        return new Failed(requestId, last.paymentMethodId(), anySoft ? FailureReason.INSUFFICIENT_FUNDS
                : FailureReason.CARD_DECLINED, last.detail(), List.copyOf(attempts));
    }
}
