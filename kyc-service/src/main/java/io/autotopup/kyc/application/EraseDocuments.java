package io.autotopup.kyc.application;

import io.autotopup.kyc.domain.IdentityDocument;
import io.autotopup.kyc.domain.KycRecord;
import io.autotopup.kyc.domain.RetentionPolicy;
import java.time.Clock;
import java.util.List;

/**
 * Images are deleted when they are no longer needed: on the retention policy's schedule, and at once when the
 * subscriber asks. The objects go first, then the event that says so; the decision and the hashes stay.
 */
public final class EraseDocuments {

    private final KycDirectory directory;
    private final DocumentStore store;
    private final KycEvents events;
    private final RetentionPolicy policy;
    private final Clock clock;

    public EraseDocuments(KycDirectory directory, DocumentStore store, KycEvents events, RetentionPolicy policy, Clock clock) {
        this.directory = directory;
        this.store = store;
        this.events = events;
        this.policy = policy;
        this.clock = clock;
    }

    /** The subscriber's erasure request: every kept image of theirs; returns how many documents lost their images. */
    public int onRequest(String subscriberId) {
        KycRecord record = directory.record(subscriberId);
        List<IdentityDocument> kept = record.documents().stream().filter(IdentityDocument::imagesKept).toList();
        for (IdentityDocument document : kept) {
            record = erase(record, document, "SUBSCRIBER_REQUEST");
        }
        return kept.size();
    }

    /** The schedule: every document whose retention has run out; returns how many. */
    public int dueNow() {
        int erased = 0;
        for (KycRecord record : directory.all()) {
            KycRecord current = record;
            for (IdentityDocument document : record.dueForErasure(clock.instant(), policy)) {
                current = erase(current, document, "RETENTION");
                erased++;
            }
        }
        return erased;
    }

    private KycRecord erase(KycRecord record, IdentityDocument document, String cause) {
        document.pages().forEach(page -> store.delete(page.objectKey()));
        IdentityDocument erased = document.erased(cause, clock.instant());
        KycRecord after = record.with(erased);
        events.erased(erased, after.status());
        return after;
    }
}
