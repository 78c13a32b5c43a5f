package io.autotopup.payment.domain;

/** A payment method that may not be bound, and why. */
public final class PaymentMethodRejectedException extends RuntimeException {

    public enum Reason { EXPIRED, DUPLICATE, UNKNOWN_TOKEN, FOREIGN_TOKEN, UNKNOWN_METHOD, INVALID_ORDER }

    private final Reason reason;

    public PaymentMethodRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
