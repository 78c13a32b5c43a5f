package io.autotopup.kyc.adapter.in.kafka;

import io.autotopup.events.DocumentPage;
import io.autotopup.events.IdentityDocumentErased;
import io.autotopup.events.IdentityDocumentReviewed;
import io.autotopup.events.IdentityDocumentSubmitted;
import io.autotopup.events.ReviewDecision;
import io.autotopup.kyc.domain.DocumentType;
import io.autotopup.kyc.domain.IdentityDocument;
import io.autotopup.kyc.domain.KycRecord;
import io.autotopup.kyc.domain.Side;
import io.autotopup.platform.streams.JsonSerde;
import io.autotopup.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Every instance keeps every subscriber's documents, folded from {@code identity-documents} into one record per
 * subscriber (references, hashes and decisions only): reviewers list pending documents across all subscribers, and
 * the retention schedule finds what is due, on any instance.
 */
public final class KycTopology {

    public static final String RECORDS_STORE = "kyc-records";

    private KycTopology() {
    }

    public static StreamsBuilder build(StreamsBuilder builder) {
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RECORDS_STORE), Serdes.String(),
                        new JsonSerde<>(KycRecord.class)).withLoggingDisabled(), Topics.IDENTITY_DOCUMENTS.name(),
                Consumed.with(Topics.IDENTITY_DOCUMENTS.keySerde(), Topics.IDENTITY_DOCUMENTS.valueSerde()).withName("kyc-documents"),
                RecordFolder::new);
        return builder;
    }

    /** Applies each event to the subscriber's record; an event for a document it does not know changes nothing. */
    static final class RecordFolder implements Processor<String, SpecificRecord, Void, Void> {
        private KeyValueStore<String, KycRecord> records;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            records = context.getStateStore(RECORDS_STORE);
        }

        @Override
        public void process(Record<String, SpecificRecord> event) {
            if (event.value() == null) {
                return;
            }
            KycRecord known = records.get(event.key());
            KycRecord record = known == null ? KycRecord.empty(event.key()) : known;
            KycRecord after = apply(record, event.value());
            if (after != record) {
                records.put(event.key(), after);
            }
        }
    }

    static KycRecord apply(KycRecord record, SpecificRecord event) {
        if (event instanceof IdentityDocumentSubmitted submitted) {
            return record.with(IdentityDocument.submitted(submitted.getDocumentId(), submitted.getSubscriberId(),
                    DocumentType.valueOf(submitted.getDocumentType().name()),
                    submitted.getPages().stream().map(KycTopology::page).toList(), submitted.getSubmittedAt()));
        }
        if (event instanceof IdentityDocumentReviewed reviewed) {
            return record.document(reviewed.getDocumentId()).map(document -> record.with(document.reviewed(
                    reviewed.getDecision() == ReviewDecision.APPROVED,
                    reviewed.getRejectionReason() == null ? null : reviewed.getRejectionReason().name(), reviewed.getReviewer(),
                    reviewed.getReviewedAt()))).orElse(record);
        }
        if (event instanceof IdentityDocumentErased erased) {
            return record.document(erased.getDocumentId()).filter(IdentityDocument::imagesKept)
                    .map(document -> record.with(document.erased(erased.getCause().name(), erased.getErasedAt()))).orElse(record);
        }
        return record;
    }

    private static io.autotopup.kyc.domain.DocumentPage page(DocumentPage page) {
        return new io.autotopup.kyc.domain.DocumentPage(Side.valueOf(page.getSide().name()), page.getObjectKey(), page.getSha256(),
                page.getSize(), page.getContentType(), page.getEncryptionKeyId());
    }
}
