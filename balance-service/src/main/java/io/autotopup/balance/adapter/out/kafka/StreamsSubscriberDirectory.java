package io.autotopup.balance.adapter.out.kafka;

import io.autotopup.balance.adapter.in.kafka.BalanceTopology;
import io.autotopup.balance.adapter.in.kafka.LedgerEntries;
import io.autotopup.balance.application.SubscriberDirectory;
import io.autotopup.balance.domain.Balance;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.SubscriberNumberAssigned;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberUpdated;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;

/**
 * Reads the ledger's state stores: those of the partitions this instance owns (requests about subscribers of
 * other partitions are forwarded to their owner, see {@code OwnerRoutingFilter}), and the directory of numbers,
 * which every instance holds whole.
 */
public final class StreamsSubscriberDirectory implements SubscriberDirectory {

    private final KafkaStreamsInteractiveQueryService queries;

    public StreamsSubscriberDirectory(KafkaStreamsInteractiveQueryService queries) {
        this.queries = queries;
    }

    @Override
    public Optional<String> subscriberIdByMsisdn(String msisdn) {
        // the directory of numbers is whole on every instance: any of them answers for any number
        ReadOnlyKeyValueStore<String, SubscriberNumberAssigned> numbers = queries.retrieveQueryableStore(
                BalanceTopology.NUMBERS_STORE, QueryableStoreTypes.keyValueStore());
        return Optional.ofNullable(numbers.get(msisdn)).map(SubscriberNumberAssigned::getSubscriberId);
    }

    @Override
    public Optional<SubscriberProfile> profile(String subscriberId) {
        SpecificRecord account = this.<SpecificRecord>store(BalanceTopology.ACCOUNTS_STORE).get(subscriberId);
        if (account instanceof SubscriberRegistered registered) {
            return Optional.of(new SubscriberProfile(subscriberId, registered.getMsisdn(), registered.getCurrency(),
                    registered.getLanguage().name().toLowerCase(Locale.ROOT), registered.getStatus().name(),
                    registered.getIccid()));
        }
        if (account instanceof SubscriberUpdated updated) {
            return Optional.of(new SubscriberProfile(subscriberId, updated.getMsisdn(), updated.getCurrency(),
                    updated.getLanguage().name().toLowerCase(Locale.ROOT), updated.getStatus().name(), null));
        }
        return Optional.empty();
    }

    @Override
    public String kycStatus(String subscriberId) {
        io.autotopup.events.KycStatusChanged status = this.<io.autotopup.events.KycStatusChanged>store(
                BalanceTopology.KYC_STATUSES_STORE).get(subscriberId);
        return status == null ? "NONE" : status.getStatus().name();
    }

    @Override
    public Optional<io.autotopup.balance.domain.Verification> verification(String subscriberId) {
        return Optional.ofNullable(this.<io.autotopup.balance.domain.Verification>store(BalanceTopology.VERIFICATIONS_STORE)
                .get(subscriberId));
    }

    @Override
    public List<LedgerLine> ledger(String subscriberId, long before, int limit) {
        return LedgerEntries.page(entries(), store(BalanceTopology.FORMER_HISTORY_STORE), subscriberId, before, limit).stream()
                .map(entry -> new LedgerLine(entry.version(), entry.reason(), entry.description(), entry.amount(),
                        entry.balanceAfter(), entry.currency(), entry.causationId(), entry.occurredAt())).toList();
    }

    /** Every subscriber's history, by subscriber and version: the newest entry is also the balance. */
    private ReadOnlyKeyValueStore<Bytes, LedgerEntries.Entry> entries() {
        return queries.retrieveQueryableStore(BalanceTopology.ENTRIES_STORE, QueryableStoreTypes.keyValueStore());
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        return queries.retrieveQueryableStore(name, QueryableStoreTypes.keyValueStore());
    }

    @Override
    public Optional<AccountBalance> balanceOf(String subscriberId) {
        ReadOnlyKeyValueStore<String, SpecificRecord> accounts = queries.retrieveQueryableStore(
                BalanceTopology.ACCOUNTS_STORE, QueryableStoreTypes.keyValueStore());
        SpecificRecord account = accounts.get(subscriberId);
        if (account == null) {
            return Optional.empty();
        }
        String currency = account instanceof SubscriberRegistered registered ? registered.getCurrency()
                : ((SubscriberUpdated) account).getCurrency();
        Balance balance = LedgerEntries.balance(entries(), this.<BalanceChanged>store(BalanceTopology.BALANCES_STORE),
                subscriberId).orElse(Balance.empty(currency));
        return Optional.of(new AccountBalance(subscriberId, balance.minorUnits(), currency, balance.version()));
    }
}
