package io.autotopup.payment.application;

import io.autotopup.payment.domain.ChargeAttempt;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The requests already settled: a request found here is never charged again. */
public interface SettledPayments {

    Optional<Settled> find(String requestId);

    default boolean settled(String requestId) {
        return find(requestId).isPresent();
    }

    /** How a request was settled. */
    record Settled(String requestId, String subscriberId, long amount, String currency, boolean completed,
            String failureReason, List<ChargeAttempt> attempts, Instant settledAt) {
    }
}
