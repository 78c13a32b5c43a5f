package io.autotopup.balance.adapter.out.kafka;

import io.autotopup.balance.adapter.in.kafka.BalanceTopology;
import io.autotopup.balance.adapter.in.kafka.RecentCodeRequests;
import io.autotopup.balance.application.VerifySubscriber;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;

/** The codes asked for per client address, as every instance knows them: the global store of {@code code-requests}. */
public final class StreamsCodeRequests implements VerifySubscriber.CodeRequests {

    private final KafkaStreamsInteractiveQueryService queries;

    public StreamsCodeRequests(KafkaStreamsInteractiveQueryService queries) {
        this.queries = queries;
    }

    @Override
    public Set<String> from(String addressHash, Instant since) {
        ReadOnlyKeyValueStore<String, RecentCodeRequests> store = queries.retrieveQueryableStore(
                BalanceTopology.CODE_REQUESTS_STORE, QueryableStoreTypes.keyValueStore());
        RecentCodeRequests known = store.get(addressHash);
        if (known == null) {
            return Set.of();
        }
        return known.requests().stream().filter(request -> RecentCodeRequests.millis(request) > since.toEpochMilli())
                .collect(Collectors.toSet());
    }
}
