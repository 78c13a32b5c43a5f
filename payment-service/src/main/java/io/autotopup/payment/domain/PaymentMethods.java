package io.autotopup.payment.domain;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A subscriber's bound methods. The first bound becomes the default; priorities follow the order of
 * binding. A card that has expired is never chosen; binding an expired card or the same card twice
 * (same fingerprint) is refused.
 */
public final class PaymentMethods {

    private PaymentMethods() {
    }

    public static List<PaymentMethod> bind(List<PaymentMethod> current, PaymentMethod candidate, YearMonth now) {
        if (candidate.expiredAt(now)) {
            throw new PaymentMethodRejectedException(PaymentMethodRejectedException.Reason.EXPIRED,
                    "The card expired in " + candidate.expiry());
        }
        if (candidate.fingerprint() != null
                && current.stream().anyMatch(method -> candidate.fingerprint().equals(method.fingerprint()))) {
            throw new PaymentMethodRejectedException(PaymentMethodRejectedException.Reason.DUPLICATE,
                    "This payment method is already bound");
        }
        List<PaymentMethod> next = new ArrayList<>(current);
        int priority = current.stream().mapToInt(PaymentMethod::priority).max().orElse(0) + 1;
        next.add(new PaymentMethod(candidate.paymentMethodId(), candidate.type(), candidate.gatewayToken(),
                candidate.brand(), candidate.last4(), candidate.expiry(), candidate.fingerprint(), priority,
                current.isEmpty()));
        return List.copyOf(next);
    }

    /**
     * The method to charge: the requested one, else the default, else the first by priority; expired cards
     * are skipped.
     */
    public static Optional<PaymentMethod> choose(List<PaymentMethod> methods, String requestedId, YearMonth now) {
        List<PaymentMethod> usable = methods.stream().filter(method -> !method.expiredAt(now))
                .sorted(Comparator.comparingInt(PaymentMethod::priority)).toList();
        if (requestedId != null) {
            Optional<PaymentMethod> requested = usable.stream()
                    .filter(method -> method.paymentMethodId().equals(requestedId)).findFirst();
            if (requested.isPresent()) {
                return requested;
            }
        }
        return usable.stream().filter(PaymentMethod::isDefault).findFirst().or(() -> usable.stream().findFirst());
    }
}
