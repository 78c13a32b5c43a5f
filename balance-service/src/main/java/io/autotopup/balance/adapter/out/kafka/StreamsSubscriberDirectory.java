package io.autotopup.balance.adapter.out.kafka;

import io.autotopup.balance.adapter.in.kafka.BalanceTopology;
import io.autotopup.balance.application.SubscriberDirectory;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberUpdated;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;

/**
 * Reads the ledger's state stores. With one instance every partition is local; answering for partitions
 * held by another instance (routing by {@code HostInfo}) comes with scaling out.
 */
public final class StreamsSubscriberDirectory implements SubscriberDirectory {

    private final KafkaStreamsInteractiveQueryService queries;

    public StreamsSubscriberDirectory(KafkaStreamsInteractiveQueryService queries) {
        this.queries = queries;
    }

    @Override
    public Optional<String> subscriberIdByMsisdn(String msisdn) {
        ReadOnlyKeyValueStore<String, String> index = queries.retrieveQueryableStore(
                BalanceTopology.SUBSCRIBER_INDEX_STORE, QueryableStoreTypes.keyValueStore());
        return Optional.ofNullable(index.get(msisdn));
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
        ReadOnlyKeyValueStore<String, BalanceChanged> balances = queries.retrieveQueryableStore(
                BalanceTopology.BALANCES_STORE, QueryableStoreTypes.keyValueStore());
        BalanceChanged last = balances.get(subscriberId);
        return Optional.of(last == null ? new AccountBalance(subscriberId, 0, currency, 0)
                : new AccountBalance(subscriberId, last.getNewBalance().getMinorUnits(), currency, last.getVersion()));
    }
}
