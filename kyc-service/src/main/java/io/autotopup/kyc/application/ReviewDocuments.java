package io.autotopup.kyc.application;

import io.autotopup.kyc.domain.IdentityDocument;
import io.autotopup.kyc.domain.KycRecord;
import io.autotopup.kyc.domain.Side;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Operators review documents: the pending ones, oldest first; one side of one, decrypted, after its view is recorded
 * (no record, no view); and a decision, approve, or reject with a reason. A decided document is not decided again.
 */
public final class ReviewDocuments {

    public static final Set<String> REJECTION_REASONS = Set.of("UNREADABLE", "EXPIRED", "NAME_MISMATCH", "WRONG_TYPE",
            "INCOMPLETE", "OTHER");

    private final KycDirectory directory;
    private final DocumentStore store;
    private final DocumentCipher cipher;
    private final KycEvents events;
    private final Clock clock;

    public ReviewDocuments(KycDirectory directory, DocumentStore store, DocumentCipher cipher, KycEvents events, Clock clock) {
        this.directory = directory;
        this.store = store;
        this.cipher = cipher;
        this.events = events;
        this.clock = clock;
    }

    public List<IdentityDocument> pending() {
        return directory.all().stream().flatMap(record -> record.documents().stream())
                .filter(document -> document.status() == IdentityDocument.Status.PENDING)
                .sorted(Comparator.comparing(IdentityDocument::submittedAt)).toList();
    }

    /** The side's bytes as sent (less their metadata), once the view is on the audit trail. */
    public Viewed view(String subscriberId, String documentId, Side side, String viewer) {
        IdentityDocument document = document(subscriberId, documentId);
        if (!document.imagesKept()) {
            throw new Gone("The images of document " + documentId + " were erased");
        }
        var page = document.page(side);
        if (page == null) {
            throw new NotFound("Document " + documentId + " has no " + side.name().toLowerCase() + " side");
        }
        byte[] sealed = store.get(page.objectKey())
                .orElseThrow(() -> new Gone("The " + side.name().toLowerCase() + " of document " + documentId + " is not in the store"));
        events.viewed(document, side, viewer);
        return new Viewed(cipher.open(sealed, page.objectKey()), page.contentType());
    }

    public IdentityDocument decide(String subscriberId, String documentId, boolean approve, String reason, String reviewer) {
        if (!approve && (reason == null || !REJECTION_REASONS.contains(reason))) {
            throw new IllegalArgumentException("A rejection needs a reason: one of " + REJECTION_REASONS);
        }
        KycRecord record = directory.record(subscriberId);
        IdentityDocument document = record.document(documentId)
                .orElseThrow(() -> new NotFound("No document " + documentId));
        if (document.status() != IdentityDocument.Status.PENDING) {
            throw new AlreadyDecided("Document " + documentId + " was " + document.status().name().toLowerCase() + " already");
        }
        IdentityDocument decided = document.reviewed(approve, reason, reviewer, clock.instant());
        events.reviewed(decided, record.with(decided).status());
        return decided;
    }

    private IdentityDocument document(String subscriberId, String documentId) {
        return directory.record(subscriberId).document(documentId).orElseThrow(() -> new NotFound("No document " + documentId));
    }

    public record Viewed(byte[] bytes, String contentType) {
    }

    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    public static final class Gone extends RuntimeException {
        public Gone(String message) {
            super(message);
        }
    }

    public static final class AlreadyDecided extends RuntimeException {
        public AlreadyDecided(String message) {
            super(message);
        }
    }

    /** For a reviewer who does not know whose it is: the document's subscriber, found among all. */
    public String subscriberOf(String documentId) {
        return directory.all().stream().filter(record -> record.document(documentId).isPresent()).map(KycRecord::subscriberId)
                .findFirst().orElseThrow(() -> new NotFound("No document " + documentId));
    }
}
