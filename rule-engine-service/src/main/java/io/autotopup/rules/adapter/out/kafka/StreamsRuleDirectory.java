package io.autotopup.rules.adapter.out.kafka;

import io.autotopup.events.AutoTopUpRuleSet;
import io.autotopup.events.KycStatusChanged;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberUpdated;
import io.autotopup.platform.kafka.ReadYourWrites;
import io.autotopup.rules.adapter.in.kafka.RuleMapping;
import io.autotopup.rules.adapter.in.kafka.RuleTopology;
import io.autotopup.rules.application.RuleDirectory;
import io.autotopup.rules.domain.AutoTopUpRule;
import io.autotopup.rules.domain.AutoTopUpAccount;
import io.autotopup.schemas.Topics;
import java.time.Duration;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;

/** Reads the rule engine's state stores (all partitions are local with one instance). */
public final class StreamsRuleDirectory implements RuleDirectory {

    /** How long a request waits for the engine to read the payment methods bound before it. */
    static final Duration CATCH_UP = Duration.ofSeconds(10);

    private final KafkaStreamsInteractiveQueryService queries;
    private final ReadYourWrites engine;

    /** {@code engine}: read-your-writes against the engine's own Kafka Streams application (its consumer group). */
    public StreamsRuleDirectory(KafkaStreamsInteractiveQueryService queries, ReadYourWrites engine) {
        this.queries = queries;
        this.engine = engine;
    }

    @Override
    public boolean catchUpWithPaymentMethods() {
        return engine.awaitConsumed(Topics.PAYMENT_METHODS.name(), CATCH_UP);
    }

    @Override
    public Optional<AccountView> account(String subscriberId) {
        SpecificRecord account = this.<SpecificRecord>store(RuleTopology.SUBSCRIBERS_STORE).get(subscriberId);
        if (account instanceof SubscriberRegistered registered) {
            return Optional.of(new AccountView(registered.getCurrency(), registered.getStatus().name()));
        }
        if (account instanceof SubscriberUpdated updated) {
            return Optional.of(new AccountView(updated.getCurrency(), updated.getStatus().name()));
        }
        return Optional.empty();
    }

    @Override
    public Optional<AutoTopUpRule> rule(String subscriberId) {
        AutoTopUpRuleSet rule = this.<AutoTopUpRuleSet>store(RuleTopology.RULES_STORE).get(subscriberId);
        return Optional.ofNullable(RuleMapping.toDomain(rule));
    }

    @Override
    public String kycStatus(String subscriberId) {
        ReadOnlyKeyValueStore<String, ValueAndTimestamp<KycStatusChanged>> statuses = queries.retrieveQueryableStore(
                RuleTopology.KYC_STATUSES_STORE, QueryableStoreTypes.timestampedKeyValueStore());
        KycStatusChanged status = ValueAndTimestamp.getValueOrNull(statuses.get(subscriberId));
        return status == null ? "NONE" : status.getStatus().name();
    }

    @Override
    public AutoTopUpAccount topUps(String subscriberId) {
        AutoTopUpAccount account = this.<AutoTopUpAccount>store(RuleTopology.STATE_STORE).get(subscriberId);
        return account == null ? new AutoTopUpAccount() : account;
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        return queries.retrieveQueryableStore(name, QueryableStoreTypes.keyValueStore());
    }
}
