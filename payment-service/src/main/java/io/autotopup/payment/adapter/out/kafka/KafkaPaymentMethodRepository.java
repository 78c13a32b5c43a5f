package io.autotopup.payment.adapter.out.kafka;

import io.autotopup.events.PaymentMethodType;
import io.autotopup.events.PaymentMethodsChanged;
import io.autotopup.payment.adapter.in.kafka.PaymentMethodsTopology;
import io.autotopup.payment.application.PaymentMethodRepository;
import io.autotopup.payment.domain.PaymentMethod;
import io.autotopup.platform.security.PaymentTokens;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import io.autotopup.platform.kafka.Acknowledged;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;

/**
 * Bound methods live on the compacted {@code payment-methods} topic, read back through a global table. The gateway's
 * token is written only sealed ({@link PaymentTokens}, bound to the subscriber and the method), so a reader of the
 * topic, or a copy of one subscriber's record under another, has nothing to charge with.
 */
public final class KafkaPaymentMethodRepository implements PaymentMethodRepository {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KafkaPaymentMethodRepository.class);

    private final KafkaStreamsInteractiveQueryService queries;
    private final KafkaTemplate<String, PaymentMethodsChanged> publisher;
    private final PaymentTokens tokens;

    public KafkaPaymentMethodRepository(KafkaStreamsInteractiveQueryService queries,
            KafkaTemplate<String, PaymentMethodsChanged> publisher, PaymentTokens tokens) {
        this.queries = queries;
        this.publisher = publisher;
        this.tokens = tokens;
    }

    @Override
    public List<PaymentMethod> methodsOf(String subscriberId) {
        PaymentMethodsChanged methods = ValueAndTimestamp.getValueOrNull(store().get(subscriberId));
        return methods == null ? List.of() : toDomain(methods);
    }

    @Override
    public void save(String subscriberId, List<PaymentMethod> methods) {
        PaymentMethodsChanged event = PaymentMethodsChanged.newBuilder().setSubscriberId(subscriberId)
                .setMethods(methods.stream().map(method -> toEvent(subscriberId, method)).toList())
                .setChangedAt(Instant.now()).build();
        Acknowledged.await(publisher.sendDefault(subscriberId, event), "the payment methods");
    }

    /**
     * Writes again, sealed, every subscriber's methods whose record still holds a token in clear (written before v2 of
     * {@code PaymentMethodsChanged}, or imported by a migration without the key), so that compaction removes the clear
     * one. Safe to run on every instance at every start: a record already sealed is left alone.
     *
     * @return how many subscribers' records were sealed
     */
    public int sealTokensInClear() {
        List<String> inClear = new java.util.ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<PaymentMethodsChanged>> all = store().all()) {
            while (all.hasNext()) {
                KeyValue<String, ValueAndTimestamp<PaymentMethodsChanged>> entry = all.next();
                PaymentMethodsChanged methods = ValueAndTimestamp.getValueOrNull(entry.value);
                if (methods != null && methods.getMethods().stream().anyMatch(method -> !method.getGatewayToken().isEmpty())) {
                    inClear.add(entry.key);
                }
            }
        }
        inClear.forEach(subscriberId -> save(subscriberId, methodsOf(subscriberId)));
        return inClear.size();
    }

    private ReadOnlyKeyValueStore<String, ValueAndTimestamp<PaymentMethodsChanged>> store() {
        return queries.retrieveQueryableStore(PaymentMethodsTopology.METHODS_STORE, QueryableStoreTypes.timestampedKeyValueStore());
    }

    /** The methods whose token opens as this subscriber's: one copied from another subscriber's record does not. */
    private List<PaymentMethod> toDomain(PaymentMethodsChanged methods) {
        List<PaymentMethod> opened = new java.util.ArrayList<>();
        for (io.autotopup.events.PaymentMethod method : methods.getMethods()) {
            try {
                opened.add(toDomain(methods.getSubscriberId(), method));
            } catch (SecurityException e) {
                log.warn("Payment method {} of subscriber {} is left out: its token does not open as theirs (copied from another "
                        + "subscriber's record, changed, or sealed with a key that is no longer configured)",
                        method.getPaymentMethodId(), methods.getSubscriberId());
            }
        }
        return opened;
    }

    private PaymentMethod toDomain(String subscriberId, io.autotopup.events.PaymentMethod method) {
        YearMonth expiry = method.getExpiryYear() == null ? null : YearMonth.of(method.getExpiryYear(), method.getExpiryMonth());
        String token = method.getSealedToken() != null
                ? tokens.open(subscriberId, method.getPaymentMethodId(), method.getSealedToken())
                : method.getGatewayToken();
        return new PaymentMethod(method.getPaymentMethodId(), method.getType().name(), token,
                method.getBrand(), method.getLast4(), expiry, method.getFingerprint(), method.getPriority(),
                method.getIsDefault());
    }

    private io.autotopup.events.PaymentMethod toEvent(String subscriberId, PaymentMethod method) {
        return io.autotopup.events.PaymentMethod.newBuilder()
                .setPaymentMethodId(method.paymentMethodId())
                .setType(PaymentMethodType.valueOf(method.type()))
                // the field stays (v1 readers need a string) but is empty: the token is only sealed
                .setGatewayToken("")
                .setSealedToken(tokens.seal(subscriberId, method.paymentMethodId(), method.gatewayToken()))
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
