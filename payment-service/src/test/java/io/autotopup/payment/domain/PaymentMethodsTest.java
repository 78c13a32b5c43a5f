package io.autotopup.payment.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaymentMethodsTest {

    private static final YearMonth NOW = YearMonth.of(2026, 11);

    @Test
    void the_first_bound_method_is_the_default_and_later_ones_follow_by_priority() {
        List<PaymentMethod> methods = PaymentMethods.bind(List.of(), card("pm-1", "fp-1", 2030, 1), NOW);
        methods = PaymentMethods.bind(methods, card("pm-2", "fp-2", 2030, 1), NOW);

        assertThat(methods).extracting(PaymentMethod::isDefault).containsExactly(true, false);
        assertThat(methods).extracting(PaymentMethod::priority).containsExactly(1, 2);
        assertThat(PaymentMethods.choose(methods, null, NOW)).map(PaymentMethod::paymentMethodId).contains("pm-1");
        assertThat(PaymentMethods.choose(methods, "pm-2", NOW)).map(PaymentMethod::paymentMethodId).contains("pm-2");
    }

    @Test
    void an_expired_card_cannot_be_bound() {
        assertThatThrownBy(() -> PaymentMethods.bind(List.of(), card("pm-1", "fp-1", 2026, 10), NOW))
                .isInstanceOf(PaymentMethodRejectedException.class)
                .extracting(e -> ((PaymentMethodRejectedException) e).reason())
                .isEqualTo(PaymentMethodRejectedException.Reason.EXPIRED);
    }

    @Test
    void a_card_valid_through_this_month_can_be_bound() {
        assertThat(PaymentMethods.bind(List.of(), card("pm-1", "fp-1", 2026, 11), NOW)).hasSize(1);
    }

    @Test
    void the_same_card_cannot_be_bound_twice() {
        List<PaymentMethod> methods = PaymentMethods.bind(List.of(), card("pm-1", "fp-1", 2030, 1), NOW);

        assertThatThrownBy(() -> PaymentMethods.bind(methods, card("pm-2", "fp-1", 2030, 1), NOW))
                .extracting(e -> ((PaymentMethodRejectedException) e).reason())
                .isEqualTo(PaymentMethodRejectedException.Reason.DUPLICATE);
    }

    @Test
    void an_expired_default_is_skipped_for_the_next_usable_method() {
        List<PaymentMethod> methods = List.of(
                new PaymentMethod("pm-1", "CARD", "tok-1", "VISA", "4242", YearMonth.of(2026, 1), "fp-1", 1, true),
                new PaymentMethod("pm-2", "CARD", "tok-2", "VISA", "4444", YearMonth.of(2030, 1), "fp-2", 2, false));

        assertThat(PaymentMethods.choose(methods, "pm-1", NOW)).map(PaymentMethod::paymentMethodId).contains("pm-2");
    }

    @Test
    void nothing_is_chosen_when_nothing_is_bound() {
        assertThat(PaymentMethods.choose(List.of(), null, NOW)).isEmpty();
    }

    @Test
    void removing_the_default_makes_the_next_by_priority_the_default() {
        List<PaymentMethod> methods = PaymentMethods.bind(List.of(), card("pm-1", "fp-1", 2030, 1), NOW);
        methods = PaymentMethods.bind(methods, card("pm-2", "fp-2", 2030, 1), NOW);
        methods = PaymentMethods.bind(methods, card("pm-3", "fp-3", 2030, 1), NOW);

        List<PaymentMethod> left = PaymentMethods.remove(methods, "pm-1");

        assertThat(left).extracting(PaymentMethod::paymentMethodId).containsExactly("pm-2", "pm-3");
        assertThat(left).extracting(PaymentMethod::isDefault).containsExactly(true, false);
        assertThat(left).extracting(PaymentMethod::priority).containsExactly(1, 2);
    }

    @Test
    void a_new_default_and_a_new_order() {
        List<PaymentMethod> methods = PaymentMethods.bind(List.of(), card("pm-1", "fp-1", 2030, 1), NOW);
        methods = PaymentMethods.bind(methods, card("pm-2", "fp-2", 2030, 1), NOW);

        List<PaymentMethod> defaulted = PaymentMethods.makeDefault(methods, "pm-2");
        assertThat(defaulted).filteredOn(PaymentMethod::isDefault).extracting(PaymentMethod::paymentMethodId).containsExactly("pm-2");

        List<PaymentMethod> reordered = PaymentMethods.reorder(defaulted, List.of("pm-2", "pm-1"));
        assertThat(reordered).extracting(PaymentMethod::paymentMethodId).containsExactly("pm-2", "pm-1");
        assertThat(PaymentMethods.candidates(reordered, null, NOW)).extracting(PaymentMethod::paymentMethodId)
                .containsExactly("pm-2", "pm-1");
        assertThatThrownBy(() -> PaymentMethods.reorder(defaulted, List.of("pm-2")))
                .extracting(e -> ((PaymentMethodRejectedException) e).reason())
                .isEqualTo(PaymentMethodRejectedException.Reason.INVALID_ORDER);
        assertThatThrownBy(() -> PaymentMethods.remove(defaulted, "pm-9"))
                .extracting(e -> ((PaymentMethodRejectedException) e).reason())
                .isEqualTo(PaymentMethodRejectedException.Reason.UNKNOWN_METHOD);
    }

    @Test
    void the_default_is_always_listed_and_tried_first() {
        List<PaymentMethod> methods = PaymentMethods.bind(List.of(), card("pm-1", "fp-1", 2030, 1), NOW);
        methods = PaymentMethods.bind(methods, card("pm-2", "fp-2", 2030, 1), NOW);
        methods = PaymentMethods.bind(methods, card("pm-3", "fp-3", 2030, 1), NOW);

        List<PaymentMethod> defaulted = PaymentMethods.makeDefault(methods, "pm-3");
        assertThat(defaulted).extracting(PaymentMethod::paymentMethodId).as("the new default first, the others in their order")
                .containsExactly("pm-3", "pm-1", "pm-2");
        assertThat(defaulted).extracting(PaymentMethod::isDefault).containsExactly(true, false, false);
        assertThat(defaulted).extracting(PaymentMethod::priority).containsExactly(1, 2, 3);

        List<PaymentMethod> moved = PaymentMethods.reorder(defaulted, List.of("pm-1", "pm-3", "pm-2"));
        assertThat(moved).extracting(PaymentMethod::isDefault).as("a method moved to the top is the default")
                .containsExactly(true, false, false);
        assertThat(PaymentMethods.candidates(moved, null, NOW)).extracting(PaymentMethod::paymentMethodId)
                .containsExactly("pm-1", "pm-3", "pm-2");
    }

    private static PaymentMethod card(String id, String fingerprint, int year, int month) {
        return new PaymentMethod(id, "CARD", "tok-" + id, "VISA", "4242", YearMonth.of(year, month), fingerprint, 0, false);
    }
}
