package io.autotopup.payment.adapter.in.kafka;

import io.autotopup.events.PaymentMethodsChanged;
import io.autotopup.schemas.Topics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every subscriber's bound methods in a global table built from the compacted {@code payment-methods}
 * topic, so any instance can charge any request.
 */
public final class PaymentMethodsTopology {

    public static final String METHODS_STORE = "payment-methods-global";

    private PaymentMethodsTopology() {
    }

    public static StreamsBuilder build(StreamsBuilder builder) {
        builder.globalTable(Topics.PAYMENT_METHODS.name(),
                Consumed.with(Topics.PAYMENT_METHODS.keySerde(), Topics.PAYMENT_METHODS.valueSerde()),
                Materialized.<String, PaymentMethodsChanged, KeyValueStore<Bytes, byte[]>>as(METHODS_STORE));
        return builder;
    }
}
