package io.autotopup.payment.adapter.out.kafka;

import io.autotopup.events.PaymentRecorded;
import io.autotopup.payment.adapter.in.kafka.PaymentMethodsTopology;
import io.autotopup.payment.application.RecordedPayments;
import io.autotopup.payment.application.SettledPayments;
import io.autotopup.payment.domain.ChargeAttempt;
import java.util.Optional;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;

/** Settled requests, read from the global table of the compacted {@code payments} topic. */
public final class KafkaPayments implements SettledPayments, RecordedPayments {

    private final KafkaStreamsInteractiveQueryService queries;

    public KafkaPayments(KafkaStreamsInteractiveQueryService queries) {
        this.queries = queries;
    }

    @Override
    public Optional<Settled> find(String requestId) {
        PaymentRecorded recorded = ValueAndTimestamp.getValueOrNull(store().get(requestId));
        return recorded == null ? Optional.empty() : Optional.of(settled(recorded));
    }

    /** A scan of the whole table: for reconciliation, which runs hourly, not on the path of a top-up. */
    @Override
    public java.util.List<Settled> settledBetween(java.time.Instant from, java.time.Instant to) {
        java.util.List<Settled> found = new java.util.ArrayList<>();
        try (org.apache.kafka.streams.state.KeyValueIterator<String, ValueAndTimestamp<PaymentRecorded>> all = store().all()) {
            all.forEachRemaining(entry -> {
                PaymentRecorded recorded = ValueAndTimestamp.getValueOrNull(entry.value);
                if (recorded != null && !recorded.getSettledAt().isBefore(from) && recorded.getSettledAt().isBefore(to)) {
                    found.add(settled(recorded));
                }
            });
        }
        return found;
    }

    private ReadOnlyKeyValueStore<String, ValueAndTimestamp<PaymentRecorded>> store() {
        return queries.retrieveQueryableStore(PaymentMethodsTopology.PAYMENTS_STORE, QueryableStoreTypes.timestampedKeyValueStore());
    }

    private static Settled settled(PaymentRecorded recorded) {
        return new Settled(recorded.getRequestId(), recorded.getSubscriberId(),
                recorded.getAmount().getMinorUnits(), recorded.getAmount().getCurrency(), recorded.getCompleted(),
                recorded.getFailureReason() == null ? null : recorded.getFailureReason().name(),
                recorded.getAttempts().stream().map(attempt -> new ChargeAttempt(attempt.getPaymentMethodId(),
                        attempt.getIdempotencyKey(), ChargeAttempt.Result.valueOf(attempt.getResult().name()),
                        attempt.getPaymentReference(), attempt.getDetail(), attempt.getAt())).toList(),
                recorded.getSettledAt());
    }
}
