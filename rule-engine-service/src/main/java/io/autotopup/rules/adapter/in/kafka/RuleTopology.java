package io.autotopup.rules.adapter.in.kafka;

import io.autotopup.platform.streams.JsonSerde;
import io.autotopup.rules.domain.TopUpState;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The rule engine's topology: rules, subscribers, balance changes and payment outcomes of one subscriber
 * meet in {@link RuleProcessor} (all four topics are keyed by subscriber id and co-partitioned), which
 * applies {@link io.autotopup.rules.domain.RuleEngine} and emits {@code TopUpRequested}.
 */
public final class RuleTopology {

    /** Subscriber id to the current {@code AutoTopUpRuleSet}. */
    public static final String RULES_STORE = "rule-engine-rules";
    /** Subscriber id to {@link TopUpState}. */
    public static final String STATE_STORE = "rule-engine-top-up-state";
    /** Subscriber id to the latest subscriber record, to validate rules against the account. */
    public static final String ACCOUNTS_STORE = "rule-engine-accounts";

    private RuleTopology() {
    }

    public static StreamsBuilder build(StreamsBuilder builder) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RULES_STORE),
                Serdes.String(), Topics.AUTO_TOP_UP_RULES.valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE),
                Serdes.String(), new JsonSerde<>(TopUpState.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACCOUNTS_STORE),
                Serdes.String(), Topics.SUBSCRIBERS.valueSerde()));

        stream(builder, Topics.AUTO_TOP_UP_RULES)
                .merge(stream(builder, Topics.SUBSCRIBERS), Named.as("rule-engine-merge-subscribers"))
                .merge(stream(builder, Topics.BALANCE_CHANGES), Named.as("rule-engine-merge-balances"))
                .merge(stream(builder, Topics.TOP_UP_OUTCOMES), Named.as("rule-engine-merge-outcomes"))
                .process(RuleProcessor::new, Named.as("rule-engine-rules"), RULES_STORE, STATE_STORE, ACCOUNTS_STORE)
                .to(Topics.TOP_UP_REQUESTS.name(), Produced.with(Topics.TOP_UP_REQUESTS.keySerde(),
                        Topics.TOP_UP_REQUESTS.valueSerde()).withName("rule-engine-top-up-requests"));
        return builder;
    }

    private static <V extends SpecificRecord> KStream<String, SpecificRecord> stream(StreamsBuilder builder,
            Topic<String, V> topic) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde())
                        .withName("rule-engine-" + topic.name()))
                .mapValues(value -> (SpecificRecord) value, Named.as("rule-engine-" + topic.name() + "-as-record"));
    }

}
