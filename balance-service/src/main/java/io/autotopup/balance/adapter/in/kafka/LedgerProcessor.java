package io.autotopup.balance.adapter.in.kafka;

import static io.autotopup.schemas.Events.money;

import io.autotopup.balance.domain.Account;
import io.autotopup.balance.domain.Balance;
import io.autotopup.balance.domain.Ledger;
import io.autotopup.balance.domain.LedgerDecision;
import io.autotopup.balance.domain.LedgerEntry;
import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.Money;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberUpdated;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.UsageRecorded;
import io.autotopup.platform.streams.Routed;
import io.autotopup.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies each change to a subscriber's ledger once: the causation id of every applied change is kept,
 * and a change whose id is already there (a redelivered or replayed usage event, a second outcome for one
 * request) is skipped without output. Everything here is keyed by subscriber id.
 */
final class LedgerProcessor implements Processor<String, SpecificRecord, String, Routed<SpecificRecord>> {

    private ProcessorContext<String, Routed<SpecificRecord>> context;
    private KeyValueStore<String, SpecificRecord> accounts;
    private KeyValueStore<String, BalanceChanged> balances;
    private KeyValueStore<String, Long> applied;

    @Override
    public void init(ProcessorContext<String, Routed<SpecificRecord>> context) {
        this.context = context;
        this.accounts = context.getStateStore(BalanceTopology.ACCOUNTS_STORE);
        this.balances = context.getStateStore(BalanceTopology.BALANCES_STORE);
        this.applied = context.getStateStore(BalanceTopology.APPLIED_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        SpecificRecord value = record.value();
        if (value instanceof SubscriberRegistered registered) {
            accounts.put(record.key(), registered);
            Money opening = registered.getOpeningBalance();
            if (opening != null && opening.getMinorUnits() != 0) {
                apply(record, "opening:" + registered.getSubscriberId(), registered,
                        (account, balance) -> Ledger.adjust(account, balance, opening.getMinorUnits(),
                                opening.getCurrency(), "opening:" + registered.getSubscriberId()));
            }
        } else if (value instanceof SubscriberUpdated updated) {
            accounts.put(record.key(), updated);
        } else if (value instanceof UsageRecorded usage) {
            String causation = usage.getCarrierId() + ":" + usage.getEventId();
            apply(record, "usage:" + causation, usage, (account, balance) -> Ledger.debitUsage(account, balance,
                    usage.getCharge().getMinorUnits(), usage.getCharge().getCurrency(), causation));
        } else if (value instanceof TopUpCompleted completed) {
            apply(record, "top-up:" + completed.getRequestId(), completed, (account, balance) -> Ledger.creditTopUp(
                    account, balance, completed.getAmount().getMinorUnits(), completed.getAmount().getCurrency(),
                    completed.getRequestId()));
        }
        // TopUpFailed moves no money.
    }

    private void apply(Record<String, SpecificRecord> record, String dedupeKey, SpecificRecord input,
            BiFunction<Account, Balance, LedgerDecision> change) {
        if (applied.get(dedupeKey) != null) {
            return;
        }
        String deadLetterTopic = input instanceof TopUpCompleted
                ? Topics.TOP_UP_OUTCOMES.deadLetterTopic() : Topics.USAGE_EVENTS.deadLetterTopic();
        Account account = account(record.key());
        if (account == null) {
            reject(record, input, deadLetterTopic, LedgerDecision.Refusal.UNKNOWN_SUBSCRIBER.name(),
                    "No account for subscriber " + record.key());
            return;
        }
        BalanceChanged last = balances.get(record.key());
        Balance current = last == null ? Balance.empty(account.currency())
                : new Balance(last.getNewBalance().getMinorUnits(), last.getNewBalance().getCurrency(), last.getVersion());
        LedgerDecision decision = change.apply(account, current);
        if (decision instanceof LedgerDecision.Refused refused) {
            reject(record, input, deadLetterTopic, refused.refusal().name(), refused.detail());
            return;
        }
        LedgerEntry entry = ((LedgerDecision.Applied) decision).entry();
        BalanceChanged changed = toEvent(record.key(), entry, record.timestamp());
        balances.put(record.key(), changed);
        applied.put(dedupeKey, record.timestamp());
        context.forward(record.withValue(Routed.accepted(changed)));
    }

    private void reject(Record<String, SpecificRecord> record, SpecificRecord input, String deadLetterTopic,
            String code, String detail) {
        context.forward(record.withValue(Routed.rejected(input, deadLetterTopic, code, detail)));
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
