package io.autotopup.payment.adapter.in.kafka;

import io.autotopup.events.PaymentMethodsChanged;
import io.autotopup.events.PaymentRecorded;
import io.autotopup.schemas.Topics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every subscriber's bound methods, and every settled request, in global tables built from the
 * compacted {@code payment-methods} and {@code payments} topics, so any instance can charge any request and
 * none charges a settled one.
 */
public final class PaymentMethodsTopology {

    public static final String METHODS_STORE = "payment-methods-global";
    /** Request id to its {@code PaymentRecorded}: every request ever settled. */
    public static final String PAYMENTS_STORE = "payment-payments-global";

    private PaymentMethodsTopology() {
    }

    public static StreamsBuilder build(StreamsBuilder builder) {
        builder.globalTable(Topics.PAYMENT_METHODS.name(),
                Consumed.with(Topics.PAYMENT_METHODS.keySerde(), Topics.PAYMENT_METHODS.valueSerde()),
                Materialized.<String, PaymentMethodsChanged, KeyValueStore<Bytes, byte[]>>as(METHODS_STORE));
        builder.globalTable(Topics.PAYMENTS.name(), Consumed.with(Topics.PAYMENTS.keySerde(), Topics.PAYMENTS.valueSerde()),
                Materialized.<String, PaymentRecorded, KeyValueStore<Bytes, byte[]>>as(PAYMENTS_STORE));
        return builder;
    }
}
