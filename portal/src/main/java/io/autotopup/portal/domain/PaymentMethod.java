package io.autotopup.portal.domain;

import java.time.YearMonth;

/**
 * A bound payment method as the subscriber sees it: a card (brand, last four digits, expiry) or a wallet.
 *
 * @param type CARD, ALIPAY, WECHAT_PAY or BCEL_ONEPAY
 */
public record PaymentMethod(String paymentMethodId, String type, String brand, String last4, YearMonth expiry, int priority,
        boolean isDefault) {

    public boolean isCard() {
        return "CARD".equals(type);
    }

    /** A card past the last day of its expiry month cannot be charged. */
    public boolean expiredAt(YearMonth now) {
        return expiry != null && expiry.isBefore(now);
    }
}
