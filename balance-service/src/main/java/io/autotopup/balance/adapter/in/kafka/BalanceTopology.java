package io.autotopup.balance.adapter.in.kafka;

import io.autotopup.events.BalanceChanged;
import io.autotopup.events.CodeRequested;
import io.autotopup.events.SubscriberNumberAssigned;
import io.autotopup.events.UsageRecorded;
import io.autotopup.balance.domain.LedgerPolicy;
import io.autotopup.platform.streams.DeadLetters;
import io.autotopup.platform.streams.JsonSerde;
import io.autotopup.platform.streams.LatestValueStore;
import io.autotopup.platform.streams.Routed;
import io.autotopup.schemas.AvroSerde;
import io.autotopup.schemas.Topics;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The ledger topology. Usage arrives keyed by MSISDN, on whatever partition the carrier's producer chose
 * (librdkafka's default partitioner is not Java's), and is resolved to the registered subscriber through the
 * directory of numbers, {@code subscriber-numbers}, which every instance holds whole (usage that arrives just
 * before its registration waits for it, see {@link UsageResolver}); usage that arrived on the partition of its
 * subscriber's ledger is applied there, the rest goes through a repartition topic to it; then usage debits, completed top-ups and
 * opening balances are applied, each once, by {@link LedgerProcessor}, which emits one {@code BalanceChanged}
 * per applied change and keeps the directory of numbers. Usage for an unknown MSISDN or in another currency,
 * and a top-up for an unknown subscriber, go to the dead-letter topic of their input with the reason in headers.
 */
public final class BalanceTopology {

    /** MSISDN (E.164) to the subscriber it belongs to: all of {@code subscriber-numbers}, on every instance. */
    public static final String NUMBERS_STORE = "balance-subscriber-numbers";
    /** Client address (HMAC) to the codes asked for from it lately: all of {@code code-requests}, on every instance. */
    public static final String CODE_REQUESTS_STORE = "balance-code-requests";
    /** Each subscriber's identity check (kyc-statuses), whole on every instance: the profile shows it. */
    public static final String KYC_STATUSES_STORE = "balance-kyc-statuses";
    /** Usage for an MSISDN not (yet) in the directory, waiting for its registration; key MSISDN|carrier:event. */
    public static final String PARKED_USAGE_STORE = "balance-parked-usage";
    /** How long usage for an unknown MSISDN waits for a registration before it is dead-lettered. */
    public static final Duration DEFAULT_UNKNOWN_MSISDN_GRACE = Duration.ofSeconds(30);
    /** Subscriber id to the latest {@code SubscriberRegistered}/{@code SubscriberUpdated}. */
    public static final String ACCOUNTS_STORE = "balance-accounts";
    /**
     * Subscriber id to the latest {@code BalanceChanged}, as versions before the store of entries kept the balance; read
     * only for a subscriber without entries yet (state of such a version not moved yet), never written now: the balance
     * is the newest entry's.
     */
    public static final String BALANCES_STORE = "balance-balances";
    /** Causation ids already applied (usage event, top-up request, opening balance, adjustment). */
    public static final String APPLIED_STORE = "balance-applied";
    /** Subscriber id to its current one-time code's {@link io.autotopup.balance.domain.Verification}. */
    public static final String VERIFICATIONS_STORE = "balance-verifications";
    /** Subscriber id and version to one ledger entry ({@link LedgerEntries}): each subscriber's history. */
    public static final String ENTRIES_STORE = "balance-ledger-entries";
    /**
     * Subscriber id to {@link LedgerHistory}, the newest 100 entries as one value: how the history was kept before the
     * store of entries (issue 19). Still read, so that state written that way moves into {@link #ENTRIES_STORE} at
     * start; empty once it has.
     */
    public static final String FORMER_HISTORY_STORE = "balance-ledger-history";

    private BalanceTopology() {
    }

    public static StreamsBuilder build(StreamsBuilder builder, Duration unknownMsisdnGrace, LedgerPolicy policy,
            LedgerMetrics metrics) {
        return build(builder, unknownMsisdnGrace, policy, metrics, LedgerProcessor.PURGE_SLICE);
    }

    /** As {@link #build(StreamsBuilder, Duration, LedgerPolicy, LedgerMetrics)}, the dedupe purge reading {@code purgeSlice} ids a look at least. */
    static StreamsBuilder build(StreamsBuilder builder, Duration unknownMsisdnGrace, LedgerPolicy policy,
            LedgerMetrics metrics, int purgeSlice) {
        KStream<String, SpecificRecord> subscribers = builder.stream(Topics.SUBSCRIBERS.name(),
                Consumed.with(Topics.SUBSCRIBERS.keySerde(), Topics.SUBSCRIBERS.valueSerde()).withName("balance-subscribers"));

        AvroSerde<UsageRecorded> usageSerde = (AvroSerde<UsageRecorded>) Topics.USAGE_EVENTS.valueSerde();
        builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore(PARKED_USAGE_STORE),
                Serdes.String(), usageSerde));
        // what carriers send, poison records among it: one that cannot be decoded is dead-lettered in the task's
        // transaction, so a crash before the commit does not leave it there twice
        KStream<String, Routed<UsageRecorded>> resolved = DeadLetters.decoded(builder, Topics.USAGE_EVENTS, usageSerde, "balance-usage")
                .process(() -> new UsageResolver(unknownMsisdnGrace), Named.as("balance-usage-resolver"), PARKED_USAGE_STORE);
        KStream<String, UsageRecorded> usageOfSubscribers = DeadLetters.route(resolved, usageSerde, "balance-usage-resolution");
        // usage that arrived on the partition whose task keeps its subscriber's ledger is applied where it is (a
        // carrier that keys by the number and partitions as Java does, and a subscriber id chosen on the number's
        // partition at registration: KafkaSubscriberEvents); the rest goes through the repartition topic to its owner
        KStream<String, SpecificRecord> usageInPlace = usageOfSubscribers
                .processValues(() -> new OnOwnerPartition<>(true), Named.as("balance-usage-in-place"))
                .mapValues(usage -> (SpecificRecord) usage, Named.as("balance-usage-in-place-as-record"));
        KStream<String, SpecificRecord> usageBySubscriber = usageOfSubscribers
                .processValues(() -> new OnOwnerPartition<>(false), Named.as("balance-usage-elsewhere"))
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
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ENTRIES_STORE),
                Serdes.Bytes(), LedgerEntries.serde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FORMER_HISTORY_STORE),
                Serdes.String(), new JsonSerde<>(LedgerHistory.class)));
        // a subscriber's verification state lives in the same task as their account (the store is connected to both
        // processors), so the instance that owns a subscriber can sign them in with what it holds
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VERIFICATIONS_STORE),
                Serdes.String(), new JsonSerde<>(io.autotopup.balance.domain.Verification.class)));
        builder.stream(Topics.SUBSCRIBER_VERIFICATIONS.name(), Consumed.with(Topics.SUBSCRIBER_VERIFICATIONS.keySerde(),
                        Topics.SUBSCRIBER_VERIFICATIONS.valueSerde()).withName("balance-verifications"))
                .process(VerificationProcessor::new, Named.as("balance-verification"), VERIFICATIONS_STORE, ACCOUNTS_STORE);
        KStream<String, SpecificRecord> adjustments = builder.stream(Topics.BALANCE_ADJUSTMENTS.name(),
                        Consumed.with(Topics.BALANCE_ADJUSTMENTS.keySerde(), Topics.BALANCE_ADJUSTMENTS.valueSerde())
                                .withName("balance-adjustments"))
                .mapValues(adjustment -> (SpecificRecord) adjustment, Named.as("balance-adjustment-as-record"));

        KStream<String, Routed<SpecificRecord>> ledger = subscribers
                .merge(usageInPlace, Named.as("balance-merge-usage-in-place"))
                .merge(usageBySubscriber, Named.as("balance-merge-usage"))
                .merge(outcomes, Named.as("balance-merge-outcomes"))
                .merge(adjustments, Named.as("balance-merge-adjustments"))
                .process(() -> new LedgerProcessor(policy, metrics, purgeSlice), Named.as("balance-ledger"), ACCOUNTS_STORE,
                        BALANCES_STORE, APPLIED_STORE, ENTRIES_STORE, FORMER_HISTORY_STORE);
        KStream<String, SpecificRecord> applied = DeadLetters.route(ledger, AvroSerde.anyEvent(), "balance-ledger");
        applied.filter((msisdn, value) -> value instanceof SubscriberNumberAssigned, Named.as("balance-numbers-only"))
                .mapValues(number -> (SubscriberNumberAssigned) number, Named.as("balance-numbers-out"))
                .to(Topics.SUBSCRIBER_NUMBERS.name(), Produced.with(Topics.SUBSCRIBER_NUMBERS.keySerde(),
                        Topics.SUBSCRIBER_NUMBERS.valueSerde()).withName("balance-numbers-sink"));
        applied.filter((subscriberId, value) -> value instanceof BalanceChanged, Named.as("balance-changes-only"))
                .mapValues(change -> (BalanceChanged) change, Named.as("balance-changes-out"))
                .to(Topics.BALANCE_CHANGES.name(),
                        Produced.with(Topics.BALANCE_CHANGES.keySerde(), Topics.BALANCE_CHANGES.valueSerde())
                                .withName("balance-changes-sink"));
        // the directory of numbers, whole on every instance; the store holds the topic's records as they are,
        // so restoring it from the topic gives the same store as building it. Added last, so that the
        // sub-topologies that have tasks keep the numbers they had before it existed (their state directories
        // are named after them; KAFKA-13009)
        LatestValueStore.addGlobal(builder, Topics.SUBSCRIBER_NUMBERS, NUMBERS_STORE, "balance-numbers");
        // the codes asked for per client address, counted by every instance against the hourly limit
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CODE_REQUESTS_STORE), Serdes.String(),
                        new JsonSerde<>(RecentCodeRequests.class)).withLoggingDisabled(), Topics.CODE_REQUESTS.name(),
                Consumed.with(Topics.CODE_REQUESTS.keySerde(), Topics.CODE_REQUESTS.valueSerde()).withName("balance-code-requests"),
                CodeRequestCounter::new);
        // each subscriber's identity check, as kyc-service says it stands
        LatestValueStore.addGlobal(builder, Topics.KYC_STATUSES, KYC_STATUSES_STORE, "balance-kyc-statuses");
        return builder;
    }

    /**
     * Passes on the usage whose subscriber's ledger is kept by this task ({@code inPlace}), or the usage whose ledger is
     * kept by another ({@code !inPlace}): this task's partition is that of every topic it reads, and a subscriber's
     * ledger is on the partition of their id ({@link Topics#partitionOf}). A subscriber's usage from one carrier
     * arrives on one partition, so it all takes one way and keeps its order.
     */
    private static final class OnOwnerPartition<V> implements FixedKeyProcessor<String, V, V> {
        private final boolean inPlace;
        private FixedKeyProcessorContext<String, V> context;
        private int partition;

        OnOwnerPartition(boolean inPlace) {
            this.inPlace = inPlace;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, V> context) {
            this.context = context;
            this.partition = context.taskId().partition();
        }

        @Override
        public void process(FixedKeyRecord<String, V> record) {
            if ((Topics.partitionOf(record.key()) == partition) == inPlace) {
                context.forward(record);
            }
        }
    }

    /**
     * Keeps the codes asked for in the last two hours under each key they count under ({@link
     * io.autotopup.balance.application.VerifySubscriber#countedUnder}): per client address, per foreign country code, and
     * per minute for the whole service; a minute's count is dropped a few minutes after it.
     */
    private static final class CodeRequestCounter implements Processor<String, CodeRequested, Void, Void> {
        private KeyValueStore<String, RecentCodeRequests> requests;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            requests = context.getStateStore(CODE_REQUESTS_STORE);
        }

        @Override
        public void process(Record<String, CodeRequested> record) {
            CodeRequested requested = record.value();
            if (requested == null) {
                return;
            }
            java.time.Instant at = requested.getRequestedAt();
            for (String key : io.autotopup.balance.application.VerifySubscriber.countedUnder(record.key(), at,
                    requested.getCountryCode())) {
                RecentCodeRequests known = requests.get(key);
                requests.put(key, (known == null ? new RecentCodeRequests(List.of()) : known)
                        .with(at.toEpochMilli(), requested.getSubscriberId()));
            }
            List<String> past = new java.util.ArrayList<>();
            try (org.apache.kafka.streams.state.KeyValueIterator<String, RecentCodeRequests> minutes =
                         requests.prefixScan("minute:", new org.apache.kafka.common.serialization.StringSerializer())) {
                minutes.forEachRemaining(entry -> {
                    if (io.autotopup.balance.application.VerifySubscriber.isPastMinute(entry.key, at)) {
                        past.add(entry.key);
                    }
                });
            }
            past.forEach(requests::delete);
        }
    }
}
