package io.autotopup.payment.adapter.out.kafka;

import io.autotopup.events.PaymentRecorded;
import io.autotopup.payment.adapter.in.kafka.PaymentMethodsTopology;
import io.autotopup.payment.application.SettledPayments;
import io.autotopup.payment.domain.ChargeAttempt;
import java.util.Optional;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;

/** Settled requests, read from the global table of the compacted {@code payments} topic. */
public final class KafkaPayments implements SettledPayments {

    private final KafkaStreamsInteractiveQueryService queries;

    public KafkaPayments(KafkaStreamsInteractiveQueryService queries) {
        this.queries = queries;
    }

    @Override
    public Optional<Settled> find(String requestId) {
        ReadOnlyKeyValueStore<String, ValueAndTimestamp<PaymentRecorded>> store = queries.retrieveQueryableStore(
                PaymentMethodsTopology.PAYMENTS_STORE, QueryableStoreTypes.timestampedKeyValueStore());
        PaymentRecorded recorded = ValueAndTimestamp.getValueOrNull(store.get(requestId));
        if (recorded == null) {
            return Optional.empty();
        }
        return Optional.of(new Settled(recorded.getRequestId(), recorded.getSubscriberId(),
                recorded.getAmount().getMinorUnits(), recorded.getAmount().getCurrency(), recorded.getCompleted(),
                recorded.getFailureReason() == null ? null : recorded.getFailureReason().name(),
                recorded.getAttempts().stream().map(attempt -> new ChargeAttempt(attempt.getPaymentMethodId(),
                        attempt.getIdempotencyKey(), ChargeAttempt.Result.valueOf(attempt.getResult().name()),
                        attempt.getPaymentReference(), attempt.getDetail(), attempt.getAt())).toList(),
                recorded.getSettledAt()));
    }
}
