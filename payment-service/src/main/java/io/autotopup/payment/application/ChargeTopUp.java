package io.autotopup.payment.application;

import io.autotopup.payment.domain.ChargeAttempt;
import io.autotopup.payment.domain.ChargeResult;
import io.autotopup.payment.domain.PaymentMethod;
import io.autotopup.payment.domain.PaymentMethods;
import io.autotopup.payment.domain.TopUpOutcome;
import java.time.Clock;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Charges one top-up request: tries the subscriber's methods in order (requested, default, then by
 * priority) until one succeeds; a declined method is not tried again for the request, a soft decline moves
 * on to the next method, and a gateway that gives no answer ends the attempt. Every charge carries an
 * idempotency key derived from the request and the method, so a redelivered request is answered by the
 * gateway without a second charge; a request already settled (kept for good) is not charged at all.
 */
public final class ChargeTopUp {

    private final PaymentGateway gateway;
    private final PaymentMethodRepository repository;
    private final SettledPayments settled;
    private final Clock clock;

    public ChargeTopUp(PaymentGateway gateway, PaymentMethodRepository repository, SettledPayments settled, Clock clock) {
        this.gateway = gateway;
        this.repository = repository;
        this.settled = settled;
        this.clock = clock;
    }

    public record Command(String requestId, String subscriberId, long amount, String currency, String paymentMethodId) {
    }

    /** What to do with a request after a charge: settle it, or try again later (tier {@code tier}, not before {@code due}). */
    public sealed interface Decision {
        record Settle(TopUpOutcome outcome) implements Decision {
        }

        record RetryLater(int tier, java.time.Instant due) implements Decision {
        }

        record AlreadySettled() implements Decision {
        }
    }

    /**
     * Charges, and when the gateway gave no answer while retry tiers remain ({@code retriesDone} of
     * {@code delays} used), defers the request to the next tier instead of failing it.
     */
    public Decision chargeOrDefer(Command command, int retriesDone, List<java.time.Duration> delays) {
        Optional<TopUpOutcome> outcome = charge(command);
        if (outcome.isEmpty()) {
            return new Decision.AlreadySettled();
        }
        if (outcome.get() instanceof TopUpOutcome.Failed failed
                && failed.reason() == TopUpOutcome.FailureReason.GATEWAY_UNAVAILABLE && retriesDone < delays.size()) {
            return new Decision.RetryLater(retriesDone, clock.instant().plus(delays.get(retriesDone)));
        }
        return new Decision.Settle(outcome.get());
    }

    /** @return the outcome, or empty when the request was settled before (nothing to do, nothing to publish) */
    public Optional<TopUpOutcome> charge(Command command) {
        if (settled.settled(command.requestId())) {
            return Optional.empty();
        }
        List<PaymentMethod> candidates = candidates(command);
        if (candidates.isEmpty()) {
            return Optional.of(noPaymentMethod(command));
        }
        List<ChargeAttempt> attempts = new ArrayList<>();
        for (PaymentMethod method : candidates) {
            String idempotencyKey = idempotencyKey(command.requestId(), method.paymentMethodId());
            ChargeResult result = gateway.charge(idempotencyKey, method.gatewayToken(), command.amount(), command.currency(),
                    new PaymentGateway.ChargeMetadata(command.requestId(), command.subscriberId(), method.paymentMethodId()));
            attempts.add(ChargeAttempt.of(method.paymentMethodId(), idempotencyKey, result, clock.instant()));
            if (!(result instanceof ChargeResult.Declined)) {
                break;
            }
        }
        Map<String, String> last4 = new HashMap<>();
        candidates.forEach(method -> last4.put(method.paymentMethodId(), method.last4()));
        try {
            return Optional.of(TopUpOutcome.settle(command.requestId(), attempts, last4::get));
        } catch (RuntimeException failure) {
            ChargeAttempt last = attempts.get(attempts.size() - 1);
            if (last.result() != ChargeAttempt.Result.SUCCEEDED) {
                throw failure;
            }
            // the money is taken: whatever went wrong in describing it, the top-up completes (a wallet has no last 4)
            return Optional.of(new TopUpOutcome.Completed(command.requestId(), last.paymentMethodId(), null,
                    last.paymentReference(), List.copyOf(attempts)));
        }
    }

    /**
     * What {@link #charge} would do if the gateway accepted: the method it would charge first, or why there is
     * none; the gateway is not called. For replayed requests (dry run).
     *
     * @return the outcome, or empty when the request was settled before
     */
    public Optional<TopUpOutcome> wouldCharge(Command command) {
        if (settled.settled(command.requestId())) {
            return Optional.empty();
        }
        List<PaymentMethod> candidates = candidates(command);
        if (candidates.isEmpty()) {
            return Optional.of(noPaymentMethod(command));
        }
        PaymentMethod first = candidates.get(0);
        return Optional.of(new TopUpOutcome.Completed(command.requestId(), first.paymentMethodId(), first.last4(),
                DRY_RUN_REFERENCE, List.of()));
    }

    private List<PaymentMethod> candidates(Command command) {
        return PaymentMethods.candidates(repository.methodsOf(command.subscriberId()), command.paymentMethodId(),
                YearMonth.now(clock));
    }

    private static TopUpOutcome noPaymentMethod(Command command) {
        return new TopUpOutcome.Failed(command.requestId(), command.paymentMethodId(),
                TopUpOutcome.FailureReason.NO_PAYMENT_METHOD, "No usable payment method is bound", List.of());
    }

    /** The payment reference of a dry run: no charge exists at the gateway. */
    public static final String DRY_RUN_REFERENCE = "dry-run";

    static String idempotencyKey(String requestId, String paymentMethodId) {
        return "topup-" + requestId + "-" + paymentMethodId;
    }
}
