package io.autotopup.payment.application;

import io.autotopup.payment.domain.PaymentMethod;
import java.util.List;

/** Subscribers' bound methods: read from the compacted topic's table, written by publishing the new list. */
public interface PaymentMethodRepository {

    List<PaymentMethod> methodsOf(String subscriberId);

    /** Publishes the subscriber's full list and returns once the broker has it. */
    void save(String subscriberId, List<PaymentMethod> methods);
}
