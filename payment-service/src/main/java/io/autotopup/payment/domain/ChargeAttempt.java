package io.autotopup.payment.domain;

import java.time.Instant;

/** One charge of one method for a request, as the gateway answered it. */
public record ChargeAttempt(String paymentMethodId, String idempotencyKey, Result result, String paymentReference,
        String detail, Instant at) {

    public enum Result { SUCCEEDED, DECLINED_HARD, DECLINED_SOFT, UNAVAILABLE }

    public static ChargeAttempt of(String paymentMethodId, String idempotencyKey, ChargeResult result, Instant at) {
        if (result instanceof ChargeResult.Succeeded succeeded) {
            return new ChargeAttempt(paymentMethodId, idempotencyKey, Result.SUCCEEDED, succeeded.paymentReference(), null, at);
        }
        if (result instanceof ChargeResult.Declined declined) {
            return new ChargeAttempt(paymentMethodId, idempotencyKey, declined.hard() ? Result.DECLINED_HARD : Result.DECLINED_SOFT,
                    null, declined.declineCode(), at);
        }
        return new ChargeAttempt(paymentMethodId, idempotencyKey, Result.UNAVAILABLE, null,
                ((ChargeResult.Unavailable) result).detail(), at);
    }
}
