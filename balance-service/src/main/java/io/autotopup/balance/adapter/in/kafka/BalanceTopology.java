package io.autotopup.balance.adapter.in.kafka;

import io.autotopup.events.BalanceChanged;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberUpdated;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.UsageRecorded;
import io.autotopup.platform.streams.DeadLetters;
import io.autotopup.platform.streams.Routed;
import io.autotopup.schemas.AvroSerde;
import io.autotopup.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The ledger topology. Usage arrives keyed by MSISDN and is resolved to the registered subscriber
 * through an index kept from the {@code subscribers} topic; then usage debits, completed top-ups and
 * opening balances are applied, each once, by {@link LedgerProcessor}, which emits one
 * {@code BalanceChanged} per applied change. Usage for an unknown MSISDN or in another currency, and a
 * top-up for an unknown subscriber, go to the dead-letter topic of their input with the reason in headers.
 */
public final class BalanceTopology {

    /** MSISDN (E.164) to subscriber id, partitioned like {@code usage-events}. */
    public static final String SUBSCRIBER_INDEX_STORE = "balance-subscriber-index";
    /** Subscriber id to the latest {@code SubscriberRegistered}/{@code SubscriberUpdated}. */
    public static final String ACCOUNTS_STORE = "balance-accounts";
    /** Subscriber id to the latest {@code BalanceChanged}: the balance and its version. */
    public static final String BALANCES_STORE = "balance-balances";
    /** Causation ids already applied (usage event, top-up request, opening balance). */
    public static final String APPLIED_STORE = "balance-applied";

    private BalanceTopology() {
    }

    public static StreamsBuilder build(StreamsBuilder builder) {
        KStream<String, SpecificRecord> subscribers = builder.stream(Topics.SUBSCRIBERS.name(),
                Consumed.with(Topics.SUBSCRIBERS.keySerde(), Topics.SUBSCRIBERS.valueSerde()).withName("balance-subscribers"));

        subscribers.filter((id, subscriber) -> subscriber != null, Named.as("balance-subscribers-present"))
                .map((id, subscriber) -> KeyValue.pair(msisdnOf(subscriber), id), Named.as("balance-subscribers-by-msisdn"))
                .toTable(Named.as("balance-subscriber-index-table"),
                        Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(SUBSCRIBER_INDEX_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));

        AvroSerde<UsageRecorded> usageSerde = (AvroSerde<UsageRecorded>) Topics.USAGE_EVENTS.valueSerde();
        KStream<String, Routed<UsageRecorded>> resolved = builder.stream(Topics.USAGE_EVENTS.name(),
                        Consumed.with(Topics.USAGE_EVENTS.keySerde(), usageSerde).withName("balance-usage"))
                .process(UsageResolver::new, Named.as("balance-usage-resolver"), SUBSCRIBER_INDEX_STORE);
        KStream<String, SpecificRecord> usageBySubscriber = DeadLetters.route(resolved, usageSerde, "balance-usage-resolution")
                .repartition(Repartitioned.with(Serdes.String(), usageSerde).withName("balance-usage-by-subscriber"))
                .mapValues(usage -> (SpecificRecord) usage, Named.as("balance-usage-as-record"));

        KStream<String, SpecificRecord> outcomes = builder.stream(Topics.TOP_UP_OUTCOMES.name(),
                Consumed.with(Topics.TOP_UP_OUTCOMES.keySerde(), Topics.TOP_UP_OUTCOMES.valueSerde()).withName("balance-top-up-outcomes"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACCOUNTS_STORE),
                Serdes.String(), Topics.SUBSCRIBERS.valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BALANCES_STORE),
                Serdes.String(), Topics.BALANCE_CHANGES.valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(APPLIED_STORE),
                Serdes.String(), Serdes.Long()));

        KStream<String, Routed<SpecificRecord>> ledger = subscribers
                .merge(usageBySubscriber, Named.as("balance-merge-usage"))
                .merge(outcomes, Named.as("balance-merge-outcomes"))
                .process(LedgerProcessor::new, Named.as("balance-ledger"), ACCOUNTS_STORE, BALANCES_STORE, APPLIED_STORE);
        DeadLetters.route(ledger, AvroSerde.anyOf(UsageRecorded.class, TopUpCompleted.class), "balance-ledger")
                .mapValues(change -> (BalanceChanged) change, Named.as("balance-changes-out"))
                .to(Topics.BALANCE_CHANGES.name(),
                        Produced.with(Topics.BALANCE_CHANGES.keySerde(), Topics.BALANCE_CHANGES.valueSerde())
                                .withName("balance-changes-sink"));
        return builder;
    }

    private static String msisdnOf(SpecificRecord subscriber) {
        if (subscriber instanceof SubscriberRegistered registered) {
            return registered.getMsisdn();
        }
        return ((SubscriberUpdated) subscriber).getMsisdn();
    }
}
