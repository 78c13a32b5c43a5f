package io.autotopup.payment.domain;

import java.time.YearMonth;

/**
 * A bound payment method as this service keeps it: a gateway token and what may be shown of it, never a
 * card number or CVV.
 *
 * @param expiry null for wallets
 */
public record PaymentMethod(String paymentMethodId, String type, String gatewayToken, String brand, String last4,
        YearMonth expiry, String fingerprint, int priority, boolean isDefault) {

    /** A card is usable through the last day of its expiry month. */
    public boolean expiredAt(YearMonth now) {
        return expiry != null && expiry.isBefore(now);
    }
}
