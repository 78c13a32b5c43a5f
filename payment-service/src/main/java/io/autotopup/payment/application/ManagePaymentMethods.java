package io.autotopup.payment.application;

import io.autotopup.payment.domain.PaymentMethod;
import io.autotopup.payment.domain.PaymentMethodRejectedException;
import io.autotopup.payment.domain.PaymentMethods;
import java.time.Clock;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;

/**
 * Binds, removes and orders a subscriber's payment methods. Binding takes a gateway token: The client tokenized the card at the gateway; this service only
 * ever sees the token, asks the gateway for what may be shown of it, and attaches it to the subscriber there, so that
 * a token another subscriber made or bound is refused.
 */
public final class ManagePaymentMethods {

    private final PaymentGateway gateway;
    private final PaymentMethodRepository repository;
    private final Clock clock;

    public ManagePaymentMethods(PaymentGateway gateway, PaymentMethodRepository repository, Clock clock) {
        this.gateway = gateway;
        this.repository = repository;
        this.clock = clock;
    }

    public PaymentMethod bind(String subscriberId, String token) {
        PaymentGateway.TokenDetails details = gateway.tokenDetails(token).orElseThrow(() ->
                new PaymentMethodRejectedException(PaymentMethodRejectedException.Reason.UNKNOWN_TOKEN,
                        "The gateway knows no such token"));
        try {
            // the subscriber is the gateway's customer: a token someone else made, or bound first, is theirs alone
            gateway.attach(token, subscriberId);
        } catch (PaymentGateway.TokenOfAnotherCustomerException e) {
            throw new PaymentMethodRejectedException(PaymentMethodRejectedException.Reason.FOREIGN_TOKEN,
                    "This token belongs to another subscriber");
        }
        PaymentMethod candidate = new PaymentMethod("pm_" + UUID.randomUUID().toString().replace("-", ""),
                details.type(), token, details.brand(), details.last4(),
                details.expYear() == null ? null : YearMonth.of(details.expYear(), details.expMonth()),
                details.fingerprint(), 0, false);
        List<PaymentMethod> next = PaymentMethods.bind(repository.methodsOf(subscriberId), candidate, YearMonth.now(clock));
        repository.save(subscriberId, next);
        return next.get(next.size() - 1);
    }

    public List<PaymentMethod> list(String subscriberId) {
        return repository.methodsOf(subscriberId);
    }

    public List<PaymentMethod> remove(String subscriberId, String paymentMethodId) {
        return save(subscriberId, PaymentMethods.remove(repository.methodsOf(subscriberId), paymentMethodId));
    }

    public List<PaymentMethod> makeDefault(String subscriberId, String paymentMethodId) {
        return save(subscriberId, PaymentMethods.makeDefault(repository.methodsOf(subscriberId), paymentMethodId));
    }

    public List<PaymentMethod> reorder(String subscriberId, List<String> order) {
        return save(subscriberId, PaymentMethods.reorder(repository.methodsOf(subscriberId), order));
    }

    private List<PaymentMethod> save(String subscriberId, List<PaymentMethod> methods) {
        repository.save(subscriberId, methods);
        return methods;
    }
}
