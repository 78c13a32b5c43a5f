package io.autotopup.payment.application;

import io.autotopup.payment.domain.PaymentMethod;
import io.autotopup.payment.domain.PaymentMethods;
import io.autotopup.payment.domain.TopUpOutcome;
import java.time.Clock;
import java.time.YearMonth;
import java.util.Optional;

/**
 * Charges one top-up request: picks the method, charges it through the gateway with an idempotency key
 * derived from the request and the method, and returns the request's outcome. A redelivered request is
 * charged with the same key, so the gateway answers it without charging again.
 */
public final class ChargeTopUp {

    private final PaymentGateway gateway;
    private final PaymentMethodRepository repository;
    private final Clock clock;

    public ChargeTopUp(PaymentGateway gateway, PaymentMethodRepository repository, Clock clock) {
        this.gateway = gateway;
        this.repository = repository;
        this.clock = clock;
    }

    public record Command(String requestId, String subscriberId, long amount, String currency, String paymentMethodId) {
    }

    public TopUpOutcome charge(Command command) {
        Optional<PaymentMethod> method = PaymentMethods.choose(repository.methodsOf(command.subscriberId()),
                command.paymentMethodId(), YearMonth.now(clock));
        if (method.isEmpty()) {
            return new TopUpOutcome.Failed(command.requestId(), command.paymentMethodId(),
                    TopUpOutcome.FailureReason.NO_PAYMENT_METHOD, "No usable payment method is bound");
        }
        PaymentMethod chosen = method.get();
        String idempotencyKey = idempotencyKey(command.requestId(), chosen.paymentMethodId());
        return TopUpOutcome.of(command.requestId(), chosen.paymentMethodId(),
                gateway.charge(idempotencyKey, chosen.gatewayToken(), command.amount(), command.currency()));
    }

    static String idempotencyKey(String requestId, String paymentMethodId) {
        return "topup-" + requestId + "-" + paymentMethodId;
    }
}
