package io.autotopup.payment.application;

import io.autotopup.payment.domain.ChargeResult;
import java.util.Optional;

/** The payment gateway, as the use cases need it. */
public interface PaymentGateway {

    /**
     * Charges a token. The gateway answers a repeated idempotency key with its first answer, so a retry
     * after a lost answer never charges twice.
     */
    ChargeResult charge(String idempotencyKey, String token, long amount, String currency, ChargeMetadata metadata);

    /**
     * The charges the gateway made from {@code from} (inclusive) to {@code to} (exclusive), every status, as its
     * settlement report lists them: what reconciliation compares with the outcomes this service recorded.
     *
     * @throws GatewayUnavailableException when the gateway gave no answer
     */
    java.util.List<GatewayCharge> chargesBetween(java.time.Instant from, java.time.Instant to);

    /**
     * What a charge carries besides the money, so that the gateway's own report names the request it paid for
     * (as Stripe's metadata does): reconciliation credits a charge without an outcome from it.
     */
    record ChargeMetadata(String requestId, String subscriberId, String paymentMethodId) {
    }

    /** One charge in the gateway's report. {@code succeeded} is false for a declined one. */
    record GatewayCharge(String chargeId, String idempotencyKey, long amount, String currency, boolean succeeded,
            java.time.Instant createdAt, ChargeMetadata metadata) {
    }

    /**
     * What the gateway knows of a token the client created, or empty if it knows no such token.
     *
     * @throws GatewayUnavailableException when the gateway gave no answer
     */
    Optional<TokenDetails> tokenDetails(String token);

    /**
     * Attaches the token to the subscriber, the gateway's customer: the first subscriber to bind a token keeps it.
     *
     * @throws TokenOfAnotherCustomerException when another subscriber attached it first
     */
    void attach(String token, String customer);

    /** The token belongs to another customer of the gateway: it was made by, or bound first to, someone else. */
    final class TokenOfAnotherCustomerException extends RuntimeException {
        public TokenOfAnotherCustomerException(String message) {
            super(message);
        }
    }

    /** The gateway gave no answer; the caller may try again later. */
    final class GatewayUnavailableException extends RuntimeException {
        public GatewayUnavailableException(String message) {
            super(message);
        }
    }

    record TokenDetails(String type, String brand, String last4, Integer expMonth, Integer expYear, String fingerprint) {
    }
}
