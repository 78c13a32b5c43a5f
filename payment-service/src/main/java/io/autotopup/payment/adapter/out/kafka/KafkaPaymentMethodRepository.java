package io.autotopup.payment.adapter.out.kafka;

import io.autotopup.events.PaymentMethodType;
import io.autotopup.events.PaymentMethodsChanged;
import io.autotopup.payment.adapter.in.kafka.PaymentMethodsTopology;
import io.autotopup.payment.application.PaymentMethodRepository;
import io.autotopup.payment.domain.PaymentMethod;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import io.autotopup.platform.kafka.Acknowledged;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;

/** Bound methods live on the compacted {@code payment-methods} topic, read back through a global table. */
public final class KafkaPaymentMethodRepository implements PaymentMethodRepository {

    private final KafkaStreamsInteractiveQueryService queries;
    private final KafkaTemplate<String, PaymentMethodsChanged> publisher;

    public KafkaPaymentMethodRepository(KafkaStreamsInteractiveQueryService queries,
            KafkaTemplate<String, PaymentMethodsChanged> publisher) {
        this.queries = queries;
        this.publisher = publisher;
    }

    @Override
    public List<PaymentMethod> methodsOf(String subscriberId) {
        ReadOnlyKeyValueStore<String, ValueAndTimestamp<PaymentMethodsChanged>> store = queries.retrieveQueryableStore(
                PaymentMethodsTopology.METHODS_STORE, QueryableStoreTypes.timestampedKeyValueStore());
        PaymentMethodsChanged methods = ValueAndTimestamp.getValueOrNull(store.get(subscriberId));
        return methods == null ? List.of() : methods.getMethods().stream().map(KafkaPaymentMethodRepository::toDomain).toList();
    }

    @Override
    public void save(String subscriberId, List<PaymentMethod> methods) {
        PaymentMethodsChanged event = PaymentMethodsChanged.newBuilder().setSubscriberId(subscriberId)
                .setMethods(methods.stream().map(KafkaPaymentMethodRepository::toEvent).toList())
                .setChangedAt(Instant.now()).build();
        Acknowledged.await(publisher.sendDefault(subscriberId, event), "the payment methods");
    }

    private static PaymentMethod toDomain(io.autotopup.events.PaymentMethod method) {
        YearMonth expiry = method.getExpiryYear() == null ? null : YearMonth.of(method.getExpiryYear(), method.getExpiryMonth());
        return new PaymentMethod(method.getPaymentMethodId(), method.getType().name(), method.getGatewayToken(),
                method.getBrand(), method.getLast4(), expiry, method.getFingerprint(), method.getPriority(),
                method.getIsDefault());
    }

    private static io.autotopup.events.PaymentMethod toEvent(PaymentMethod method) {
        return io.autotopup.events.PaymentMethod.newBuilder()
                .setPaymentMethodId(method.paymentMethodId())
                .setType(PaymentMethodType.valueOf(method.type()))
                .setGatewayToken(method.gatewayToken())
                .setBrand(method.brand())
                .setLast4(method.last4())
                .setExpiryMonth(method.expiry() == null ? null : method.expiry().getMonthValue())
                .setExpiryYear(method.expiry() == null ? null : method.expiry().getYear())
                .setFingerprint(method.fingerprint())
                .setPriority(method.priority())
                .setIsDefault(method.isDefault())
                .build();
    }
}
