package io.autotopup.rules.adapter.in.kafka;

import io.autotopup.events.TopUpRequested;
import io.autotopup.platform.streams.JsonSerde;
import io.autotopup.rules.domain.AutoTopUpAccount;
import io.autotopup.rules.domain.RulePolicy;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The rule engine's topology: a subscriber's rule, account, bound payment methods, balance changes and
 * payment outcomes meet in {@link RuleProcessor} (all keyed by subscriber id and co-partitioned), which
 * keeps an {@link AutoTopUpAccount} per subscriber and emits {@code TopUpRequested} to
 * {@code top-up-requests} and what subscribers must be told to {@code auto-top-up-notices}.
 */
public final class RuleTopology {

    /** Subscriber id to the current {@code AutoTopUpRuleSet}. */
    public static final String RULES_STORE = "rule-engine-rules";
    /** Subscriber id to {@link AutoTopUpAccount}. */
    public static final String STATE_STORE = "rule-engine-accounts";
    /** Subscriber id to the latest subscriber record, to validate rules against the account. */
    public static final String SUBSCRIBERS_STORE = "rule-engine-subscribers";
    /** Subscriber id to their identity check (kyc-statuses), whole on every instance, for the carrier's policy. */
    public static final String KYC_STATUSES_STORE = "rule-engine-kyc-statuses";

    private RuleTopology() {
    }

    public static StreamsBuilder build(StreamsBuilder builder, RulePolicy policy) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RULES_STORE),
                Serdes.String(), Topics.AUTO_TOP_UP_RULES.valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE),
                Serdes.String(), new JsonSerde<>(AutoTopUpAccount.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SUBSCRIBERS_STORE),
                Serdes.String(), Topics.SUBSCRIBERS.valueSerde()));

        stream(builder, Topics.AUTO_TOP_UP_RULES)
                .merge(stream(builder, Topics.SUBSCRIBERS), Named.as("rule-engine-merge-subscribers"))
                .merge(stream(builder, Topics.PAYMENT_METHODS), Named.as("rule-engine-merge-payment-methods"))
                .merge(stream(builder, Topics.BALANCE_CHANGES), Named.as("rule-engine-merge-balances"))
                .merge(stream(builder, Topics.TOP_UP_OUTCOMES), Named.as("rule-engine-merge-outcomes"))
                .merge(stream(builder, Topics.TOP_UP_ASKS), Named.as("rule-engine-merge-asks"))
                .process(() -> new RuleProcessor(policy), Named.as("rule-engine-rules"), RULES_STORE, STATE_STORE,
                        SUBSCRIBERS_STORE)
                .split(Named.as("rule-engine-out-"))
                .branch((subscriberId, event) -> event instanceof TopUpRequested, Branched.withConsumer(requests -> requests
                        .mapValues(event -> (TopUpRequested) event, Named.as("rule-engine-as-request"))
                        .to(Topics.TOP_UP_REQUESTS.name(), Produced.with(Topics.TOP_UP_REQUESTS.keySerde(),
                                Topics.TOP_UP_REQUESTS.valueSerde()).withName("rule-engine-top-up-requests")), "requests"))
                .defaultBranch(Branched.withConsumer(notices -> notices.to(Topics.AUTO_TOP_UP_NOTICES.name(),
                        Produced.with(Topics.AUTO_TOP_UP_NOTICES.keySerde(), Topics.AUTO_TOP_UP_NOTICES.valueSerde())
                                .withName("rule-engine-notices")), "notices"));
        // last, so that the sub-topologies keep their numbers (and state directories) of before (KAFKA-13009)
        builder.globalTable(Topics.KYC_STATUSES.name(), Consumed.with(Topics.KYC_STATUSES.keySerde(), Topics.KYC_STATUSES.valueSerde())
                        .withName("rule-engine-kyc-statuses"),
                Materialized.<String, io.autotopup.events.KycStatusChanged, org.apache.kafka.streams.state.KeyValueStore<
                        org.apache.kafka.common.utils.Bytes, byte[]>>as(KYC_STATUSES_STORE));
        return builder;
    }

    private static <V extends SpecificRecord> KStream<String, SpecificRecord> stream(StreamsBuilder builder,
            Topic<String, V> topic) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde())
                        .withName("rule-engine-" + topic.name()))
                .mapValues(value -> (SpecificRecord) value, Named.as("rule-engine-" + topic.name() + "-as-record"));
    }
}
