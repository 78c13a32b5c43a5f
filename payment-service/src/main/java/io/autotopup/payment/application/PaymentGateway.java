package io.autotopup.payment.application;

import io.autotopup.payment.domain.ChargeResult;
import java.util.Optional;

/** The payment gateway, as the use cases need it. */
public interface PaymentGateway {

    /**
     * Charges a token. The gateway answers a repeated idempotency key with its first answer, so a retry
     * after a lost answer never charges twice.
     */
    ChargeResult charge(String idempotencyKey, String token, long amount, String currency);

    /**
     * What the gateway knows of a token the client created, or empty if it knows no such token.
     *
     * @throws GatewayUnavailableException when the gateway gave no answer
     */
    Optional<TokenDetails> tokenDetails(String token);

    /** The gateway gave no answer; the caller may try again later. */
    final class GatewayUnavailableException extends RuntimeException {
        public GatewayUnavailableException(String message) {
            super(message);
        }
    }

    record TokenDetails(String type, String brand, String last4, Integer expMonth, Integer expYear, String fingerprint) {
    }
}
