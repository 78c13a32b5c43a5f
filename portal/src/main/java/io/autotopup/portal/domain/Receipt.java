package io.autotopup.portal.domain;

import java.time.Instant;

/**
 * The receipt of a paid top-up, as the subscriber keeps it: how much, from which method, the gateway's reference, when.
 *
 * @param method the method charged, or null when it has been removed since
 */
public record Receipt(String requestId, Money amount, PaymentMethod method, String paymentReference, Instant paidAt) {
}
