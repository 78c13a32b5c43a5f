package io.autotopup.kyc.adapter.out.kafka;

import io.autotopup.kyc.adapter.in.kafka.KycTopology;
import io.autotopup.kyc.application.KycDirectory;
import io.autotopup.kyc.domain.KycRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;

/** The documents as the global store {@value KycTopology#RECORDS_STORE} holds them. */
public final class KafkaKycDirectory implements KycDirectory {

    private final KafkaStreamsInteractiveQueryService queries;

    public KafkaKycDirectory(KafkaStreamsInteractiveQueryService queries) {
        this.queries = queries;
    }

    @Override
    public KycRecord record(String subscriberId) {
        KycRecord record = store().get(subscriberId);
        return record == null ? KycRecord.empty(subscriberId) : record;
    }

    @Override
    public List<KycRecord> all() {
        List<KycRecord> all = new ArrayList<>();
        try (KeyValueIterator<String, KycRecord> records = store().all()) {
            records.forEachRemaining(entry -> all.add(entry.value));
        }
        return all;
    }

    private ReadOnlyKeyValueStore<String, KycRecord> store() {
        return queries.retrieveQueryableStore(KycTopology.RECORDS_STORE, QueryableStoreTypes.keyValueStore());
    }
}
