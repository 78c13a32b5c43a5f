package io.autotopup.payment.domain;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A subscriber's bound methods, in the order they are tried: the default is always the first. The first bound
 * becomes the default and later ones follow in the order of binding; making a method the default moves it to the
 * front, and whichever method a new order puts first is the default. A card that has expired is never chosen;
 * binding an expired card or the same card twice (same fingerprint) is refused.
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
     * The methods to try, in order: the requested one, then the default, then the others by priority;
     * expired cards are skipped.
     */
    public static List<PaymentMethod> candidates(List<PaymentMethod> methods, String requestedId, YearMonth now) {
        List<PaymentMethod> usable = methods.stream().filter(method -> !method.expiredAt(now))
                .sorted(Comparator.comparingInt(PaymentMethod::priority)).toList();
        List<PaymentMethod> ordered = new ArrayList<>();
        usable.stream().filter(method -> method.paymentMethodId().equals(requestedId)).forEach(ordered::add);
        usable.stream().filter(PaymentMethod::isDefault).filter(method -> !ordered.contains(method)).forEach(ordered::add);
        usable.stream().filter(method -> !ordered.contains(method)).forEach(ordered::add);
        return List.copyOf(ordered);
    }

    /** Removes a method; if it was the default, the next by priority becomes the default. */
    public static List<PaymentMethod> remove(List<PaymentMethod> current, String paymentMethodId) {
        PaymentMethod removed = find(current, paymentMethodId);
        List<PaymentMethod> rest = current.stream().filter(method -> method != removed)
                .sorted(Comparator.comparingInt(PaymentMethod::priority)).toList();
        if (!removed.isDefault() || rest.isEmpty()) {
            return rest;
        }
        return reprioritise(rest, rest.get(0).paymentMethodId());
    }

    /** Makes a method the default (tried first when a rule names none): it moves to the front, the others keep their order. */
    public static List<PaymentMethod> makeDefault(List<PaymentMethod> current, String paymentMethodId) {
        PaymentMethod chosen = find(current, paymentMethodId);
        List<PaymentMethod> ordered = new ArrayList<>();
        ordered.add(chosen);
        current.stream().sorted(Comparator.comparingInt(PaymentMethod::priority)).filter(method -> method != chosen)
                .forEach(ordered::add);
        return reprioritise(ordered, paymentMethodId);
    }

    /**
     * Puts the methods in the given order of priority; every bound method must be named once. The first becomes the
     * default, so the list reads as it is tried.
     */
    public static List<PaymentMethod> reorder(List<PaymentMethod> current, List<String> order) {
        if (order.size() != current.size() || !order.stream().allMatch(id -> current.stream()
                .anyMatch(method -> method.paymentMethodId().equals(id))) || order.stream().distinct().count() != order.size()) {
            throw new PaymentMethodRejectedException(PaymentMethodRejectedException.Reason.INVALID_ORDER,
                    "The order must name every bound method exactly once");
        }
        List<PaymentMethod> ordered = order.stream().map(id -> find(current, id)).toList();
        return reprioritise(ordered, order.get(0));
    }

    private static List<PaymentMethod> reprioritise(List<PaymentMethod> ordered, String defaultId) {
        List<PaymentMethod> result = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            PaymentMethod method = ordered.get(i);
            result.add(new PaymentMethod(method.paymentMethodId(), method.type(), method.gatewayToken(), method.brand(),
                    method.last4(), method.expiry(), method.fingerprint(), i + 1, method.paymentMethodId().equals(defaultId)));
        }
        return List.copyOf(result);
    }

    private static PaymentMethod find(List<PaymentMethod> methods, String paymentMethodId) {
        return methods.stream().filter(method -> method.paymentMethodId().equals(paymentMethodId)).findFirst()
                .orElseThrow(() -> new PaymentMethodRejectedException(PaymentMethodRejectedException.Reason.UNKNOWN_METHOD,
                        "No payment method " + paymentMethodId));
    }

    /**
     * The method to charge first: the requested one, else the default, else the first by priority; expired
     * cards are skipped.
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
