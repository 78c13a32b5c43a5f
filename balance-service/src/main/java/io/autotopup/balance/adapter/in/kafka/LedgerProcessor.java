package io.autotopup.balance.adapter.in.kafka;

import static io.autotopup.schemas.Events.money;

import io.autotopup.balance.domain.Account;
import io.autotopup.balance.domain.Balance;
import io.autotopup.balance.domain.Ledger;
import io.autotopup.balance.domain.LedgerDecision;
import io.autotopup.balance.domain.LedgerEntry;
import io.autotopup.balance.domain.LedgerPolicy;
import io.autotopup.events.BalanceAdjustmentRequested;
import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.Money;
import io.autotopup.events.SubscriberNumberAssigned;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberUpdated;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.UsageRecorded;
import io.autotopup.platform.streams.Routed;
import io.autotopup.schemas.EventHeaders;
import io.autotopup.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies each change to a subscriber's ledger once: the causation id of every applied change is kept,
 * and a change whose id is already there (a redelivered or replayed usage event, a second outcome for one
 * request, a repeated adjustment) is skipped without output and counted. Usage ids are forgotten after the
 * retention window, and usage older than the window is refused as stale; top-up, opening and adjustment
 * ids are kept. Everything here is keyed by subscriber id, but for what it writes to the directory of numbers:
 * each registered number, keyed by itself.
 */
final class LedgerProcessor implements Processor<String, SpecificRecord, String, Routed<SpecificRecord>> {

    private static final String USAGE_PREFIX = "usage:";
    /** The first key after every usage id (':' + 1): the end of a range over them. */
    private static final String AFTER_USAGE = "usage;";
    /** How often, in stream time, a slice of the remembered usage ids is looked at for ones past the window. */
    private static final Duration PURGE_INTERVAL = Duration.ofSeconds(10);
    /**
     * Usage ids read per look at least; a look reads three times as many as were remembered since the last, so that
     * the looks go round the whole window faster than it grows. With the window holding the ids of R + o (retention
     * and how late the last is forgotten), a round takes (R + o) / 3, so o is at most R / 2: the store holds up to
     * about one and a half windows of ids.
     */
    static final int PURGE_SLICE = 20_000;

    private final LedgerPolicy policy;
    private final LedgerMetrics metrics;
    /** Usage ids read per look at least ({@link #PURGE_SLICE}; fewer in tests). */
    private final int purgeSlice;
    private ProcessorContext<String, Routed<SpecificRecord>> context;
    private KeyValueStore<String, SpecificRecord> accounts;
    private KeyValueStore<String, BalanceChanged> balances;
    private KeyValueStore<String, Long> applied;
    private KeyValueStore<Bytes, LedgerEntries.Entry> entries;
    private KeyValueStore<String, LedgerHistory> formerHistory;
    /** Whether the history of the previous format has been moved to {@link #entries} whole (then it is not read). */
    private boolean formerHistoryMoved;
    /** Where the next look at the remembered usage ids starts; null: at the first. */
    private String purgeFrom;
    /** Usage ids remembered since the last look. */
    private long rememberedSinceLook;
    private KeyValueStore<String, SubscriberNumberAssigned> numbers;
    /**
     * The balance after the last change this processor applied, per subscriber, the most recently changed kept: what
     * the newest entry of {@link #entries} says, without a range scan. Emptied at every {@link #init}, which Kafka
     * Streams calls again whenever it rebuilds the task's state (an aborted transaction, a task moved back), so it
     * never holds a balance that the store does not.
     */
    private final Map<String, Balance> latest = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Balance> eldest) {
            return size() > BALANCES_KEPT;
        }
    };

    LedgerProcessor(LedgerPolicy policy, LedgerMetrics metrics) {
        this(policy, metrics, PURGE_SLICE);
    }

    LedgerProcessor(LedgerPolicy policy, LedgerMetrics metrics, int purgeSlice) {
        this.policy = policy;
        this.metrics = metrics;
        this.purgeSlice = purgeSlice;
    }

    @Override
    public void init(ProcessorContext<String, Routed<SpecificRecord>> context) {
        this.context = context;
        this.latest.clear();
        this.accounts = context.getStateStore(BalanceTopology.ACCOUNTS_STORE);
        this.balances = context.getStateStore(BalanceTopology.BALANCES_STORE);
        this.applied = context.getStateStore(BalanceTopology.APPLIED_STORE);
        this.entries = context.getStateStore(BalanceTopology.ENTRIES_STORE);
        this.formerHistory = context.getStateStore(BalanceTopology.FORMER_HISTORY_STORE);
        // state written before the store of entries: moved a share at a time, each share in one transaction; until
        // the first look finds nothing left, each change also moves its own subscriber's history first
        Cancellable[] moving = new Cancellable[1];
        moving[0] = context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> {
            if (moveFormerHistory(MOVED_PER_PUNCTUATION)) {
                moving[0].cancel();
            }
        });
        this.numbers = context.getStateStore(BalanceTopology.NUMBERS_STORE);
        context.schedule(PURGE_INTERVAL, PunctuationType.STREAM_TIME, this::forgetOldUsage);
        Cancellable[] once = new Cancellable[1];
        once[0] = context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> {
            once[0].cancel();
            assignMissingNumbers(now);
        });
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        SpecificRecord value = record.value();
        if (value instanceof SubscriberRegistered registered) {
            accounts.put(record.key(), registered);
            assignNumber(record.key(), registered.getMsisdn(), record.timestamp());
            Money opening = registered.getOpeningBalance();
            if (opening != null && opening.getMinorUnits() != 0) {
                String causation = "opening:" + registered.getSubscriberId();
                apply(record, causation, registered, "opening balance", (account, balance) -> Ledger.adjust(account, balance,
                        opening.getMinorUnits(), opening.getCurrency(), causation));
            }
        } else if (value instanceof SubscriberUpdated updated) {
            accounts.put(record.key(), updated);
            assignNumber(record.key(), updated.getMsisdn(), record.timestamp());
        } else if (value instanceof UsageRecorded usage) {
            onUsage(record, usage);
        } else if (value instanceof TopUpCompleted && EventHeaders.isDryRun(record.headers())) {
            // what a replay would have charged: no money moved, so none is credited
            metrics.dryRunIgnored();
        } else if (value instanceof TopUpCompleted completed) {
            apply(record, "top-up:" + completed.getRequestId(), completed, "auto top-up", (account, balance) ->
                    Ledger.creditTopUp(account, balance, completed.getAmount().getMinorUnits(),
                            completed.getAmount().getCurrency(), completed.getRequestId()));
        } else if (value instanceof BalanceAdjustmentRequested adjustment) {
            apply(record, "adjustment:" + adjustment.getAdjustmentId(), adjustment, adjustment.getReason(),
                    (account, balance) -> Ledger.adjust(account, balance, adjustment.getAmount().getMinorUnits(),
                            adjustment.getAmount().getCurrency(), adjustment.getAdjustmentId()));
        }
        // TopUpFailed moves no money.
    }

    private void onUsage(Record<String, SpecificRecord> record, UsageRecorded usage) {
        String causation = usage.getCarrierId() + ":" + usage.getEventId();
        String dedupeKey = USAGE_PREFIX + causation;
        if (applied.get(dedupeKey) != null) {
            metrics.duplicate(dedupeKey.substring(0, dedupeKey.indexOf(':')));
            return;
        }
        long oldest = context.currentStreamTimeMs() - policy.dedupeRetention().toMillis();
        if (usage.getOccurredAt().toEpochMilli() < oldest) {
            reject(record, usage, LedgerDecision.Refusal.STALE_EVENT.name(), "usage event " + causation + " of "
                    + usage.getOccurredAt() + " is older than the " + policy.dedupeRetention().toDays()
                    + "-day window in which duplicates are recognised");
            return;
        }
        String description = usage.getUsageType() + " " + usage.getUnits() + " " + usage.getUnit();
        // looked up once: a usage event's id is read from the store of applied ids here and nowhere else
        applyNew(record, dedupeKey, usage, description, (account, balance) -> Ledger.debitUsage(account,
                balance, usage.getCharge().getMinorUnits(), usage.getCharge().getCurrency(), causation, policy));
    }

    private void apply(Record<String, SpecificRecord> record, String dedupeKey, SpecificRecord input, String description,
            BiFunction<Account, Balance, LedgerDecision> change) {
        if (applied.get(dedupeKey) != null) {
            metrics.duplicate(dedupeKey.substring(0, dedupeKey.indexOf(':')));
            return;
        }
        applyNew(record, dedupeKey, input, description, change);
    }

    /** Applies a change whose causation id is not among the applied ones. */
    private void applyNew(Record<String, SpecificRecord> record, String dedupeKey, SpecificRecord input, String description,
            BiFunction<Account, Balance, LedgerDecision> change) {
        Account account = account(record.key());
        if (account == null) {
            reject(record, input, LedgerDecision.Refusal.UNKNOWN_SUBSCRIBER.name(), "No account for subscriber " + record.key());
            return;
        }
        if (!formerHistoryMoved) {
            moveFormerHistory(record.key());
        }
        Balance current = balance(record.key(), account);
        LedgerDecision decision = change.apply(account, current);
        if (decision instanceof LedgerDecision.Refused refused) {
            reject(record, input, refused.refusal().name(), refused.detail());
            return;
        }
        LedgerEntry entry = ((LedgerDecision.Applied) decision).entry();
        BalanceChanged changed = toEvent(record.key(), entry, record.timestamp());
        if (input instanceof UsageRecorded usage) {
            applied.put(dedupeKey, usage.getOccurredAt().toEpochMilli());
            rememberedSinceLook++;
        } else {
            applied.put(dedupeKey, record.timestamp());
        }
        // the newest entry is the balance: no store of balances is written (docs/ledger.md, what a change costs)
        long version = changed.getVersion();
        entries.put(LedgerEntries.key(record.key(), version), new LedgerEntries.Entry(version, changed.getReason().name(),
                description, changed.getCausationId(), changed.getDelta().getMinorUnits(),
                changed.getNewBalance().getMinorUnits(), changed.getNewBalance().getCurrency(), record.timestamp()));
        if (version > policy.historyKept()) {
            // the oldest entry kept goes: a tombstone by key, no read (put null, unlike delete, does not fetch it first)
            entries.put(LedgerEntries.key(record.key(), version - policy.historyKept()), null);
        }
        latest.put(record.key(), new Balance(changed.getNewBalance().getMinorUnits(), changed.getNewBalance().getCurrency(), version));
        metrics.applied(changed.getReason().name());
        context.forward(record.withValue(Routed.accepted(changed)));
    }

    /**
     * A subscriber's balance: the one this processor wrote last, if it still holds it, else the newest entry in the
     * store (a range scan: an iterator, dearer than a look-up).
     */
    private Balance balance(String subscriberId, Account account) {
        Balance known = latest.get(subscriberId);
        if (known != null) {
            return known;
        }
        return LedgerEntries.balance(entries, balances, subscriberId).orElse(Balance.empty(account.currency()));
    }

    private void reject(Record<String, SpecificRecord> record, SpecificRecord input, String code, String detail) {
        metrics.refused(code);
        String deadLetterTopic = input instanceof TopUpCompleted ? Topics.TOP_UP_OUTCOMES.deadLetterTopic()
                : input instanceof BalanceAdjustmentRequested ? Topics.BALANCE_ADJUSTMENTS.deadLetterTopic()
                : input instanceof SubscriberRegistered ? Topics.SUBSCRIBERS.deadLetterTopic()
                : Topics.USAGE_EVENTS.deadLetterTopic();
        context.forward(record.withValue(Routed.rejected(input, deadLetterTopic, code, detail)));
    }

    /** Puts the number in the directory of numbers, unless it is there already. */
    private void assignNumber(String subscriberId, String msisdn, long timestamp) {
        SubscriberNumberAssigned known = numbers.get(msisdn);
        if (known != null && known.getSubscriberId().equals(subscriberId)) {
            return;
        }
        SubscriberNumberAssigned assigned = SubscriberNumberAssigned.newBuilder().setMsisdn(msisdn)
                .setSubscriberId(subscriberId).setAssignedAt(Instant.ofEpochMilli(timestamp)).build();
        context.forward(new Record<>(msisdn, Routed.accepted(assigned), timestamp));
    }

    /**
     * Accounts registered before the directory of numbers existed (an upgrade) are put in it once, at start. A
     * sample of the accounts tells whether that is needed, so a start with a complete directory costs little.
     */
    private void assignMissingNumbers(long now) {
        int sampled = 0;
        boolean missing = false;
        try (KeyValueIterator<String, SpecificRecord> all = accounts.all()) {
            while (all.hasNext() && sampled < BACKFILL_SAMPLE && !missing) {
                KeyValue<String, SpecificRecord> entry = all.next();
                Account account = account(entry.key);
                missing = account != null && !entry.key.equals(subscriberOf(account.msisdn()));
                sampled++;
            }
        }
        if (!missing) {
            return;
        }
        try (KeyValueIterator<String, SpecificRecord> all = accounts.all()) {
            while (all.hasNext()) {
                KeyValue<String, SpecificRecord> entry = all.next();
                Account account = account(entry.key);
                if (account != null && subscriberOf(account.msisdn()) == null) {
                    assignNumber(entry.key, account.msisdn(), now);
                }
            }
        }
    }

    private static final int BACKFILL_SAMPLE = 100;
    /** Subscribers whose balance {@link #latest} keeps: about 200 bytes each, so at most about 13 MB of heap per task. */
    static final int BALANCES_KEPT = 65_536;
    /** Subscribers whose history of the previous format is moved in one punctuation (one transaction). */
    static final int MOVED_PER_PUNCTUATION = 500;

    /**
     * Moves the history that the previous version kept as one value per subscriber (the newest 100 entries) into
     * the store of entries, at most {@code limit} subscribers at a time; true once nothing is left to move.
     */
    private boolean moveFormerHistory(int limit) {
        List<String> subscribers = new ArrayList<>();
        try (KeyValueIterator<String, LedgerHistory> former = formerHistory.all()) {
            while (former.hasNext() && subscribers.size() < limit) {
                subscribers.add(former.next().key);
            }
            formerHistoryMoved = !former.hasNext();
        }
        subscribers.forEach(this::moveFormerHistory);
        return formerHistoryMoved;
    }

    private void moveFormerHistory(String subscriberId) {
        latest.remove(subscriberId);
        LedgerHistory former = formerHistory.get(subscriberId);
        if (former == null) {
            return;
        }
        for (LedgerHistory.Entry entry : former.latest(policy.historyKept())) {
            entries.put(LedgerEntries.key(subscriberId, entry.version()), LedgerEntries.of(entry));
        }
        formerHistory.put(subscriberId, null);
    }

    private String subscriberOf(String msisdn) {
        SubscriberNumberAssigned number = numbers.get(msisdn);
        return number == null ? null : number.getSubscriberId();
    }

    /**
     * Forgets the usage ids past the retention window, a slice at a time: each look reads from where the last stopped,
     * at least {@link #purgeSlice} ids and three times as many as were remembered since, and starts again at the first id
     * once it reaches the end. It used to read every id every 10 minutes of stream time and keep the expired ones in a
     * list, which at a carrier's rate (7 days of ids: billions) would hold the stream thread for hours and fill the
     * heap.
     */
    private void forgetOldUsage(long streamTime) {
        long oldest = streamTime - policy.dedupeRetention().toMillis();
        long slice = Math.max(purgeSlice, 3 * rememberedSinceLook);
        rememberedSinceLook = 0;
        List<String> expired = new ArrayList<>();
        String next = null;
        long read = 0;
        try (KeyValueIterator<String, Long> usage = purgeFrom == null ? applied.prefixScan(USAGE_PREFIX, new StringSerializer())
                : applied.range(purgeFrom, AFTER_USAGE)) {
            while (usage.hasNext()) {
                KeyValue<String, Long> entry = usage.next();
                if (read == slice) {
                    next = entry.key;
                    break;
                }
                read++;
                if (entry.value < oldest) {
                    expired.add(entry.key);
                }
            }
        }
        purgeFrom = next;
        expired.forEach(applied::delete);
    }

    private Account account(String subscriberId) {
        SpecificRecord stored = accounts.get(subscriberId);
        if (stored instanceof SubscriberRegistered registered) {
            return new Account(subscriberId, registered.getMsisdn(), registered.getCurrency(), registered.getStatus().name());
        }
        if (stored instanceof SubscriberUpdated updated) {
            return new Account(subscriberId, updated.getMsisdn(), updated.getCurrency(), updated.getStatus().name());
        }
        return null;
    }

    static BalanceChanged toEvent(String subscriberId, LedgerEntry entry, long timestamp) {
        String currency = entry.after().currency();
        return BalanceChanged.newBuilder()
                .setEventId(UUID.nameUUIDFromBytes((subscriberId + "/" + entry.after().version())
                        .getBytes(StandardCharsets.UTF_8)).toString())
                .setSubscriberId(subscriberId)
                .setPreviousBalance(money(entry.before().minorUnits(), currency))
                .setNewBalance(money(entry.after().minorUnits(), currency))
                .setDelta(money(entry.delta(), currency))
                .setReason(BalanceChangeReason.valueOf(entry.reason().name()))
                .setCausationId(entry.causationId())
                .setVersion(entry.after().version())
                .setOccurredAt(Instant.ofEpochMilli(timestamp))
                .build();
    }
}
