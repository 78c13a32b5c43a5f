package io.autotopup.kyc.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A subscriber's identity documents, newest first, and the status they add up to: verified once any document was
 * approved (its images may be gone: the decision stays); else pending while the newest waits; else rejected when the
 * newest was rejected; else none.
 */
public record KycRecord(String subscriberId, List<IdentityDocument> documents) {

    public static KycRecord empty(String subscriberId) {
        return new KycRecord(subscriberId, List.of());
    }

    public KycStatus status() {
        if (documents.stream().anyMatch(document -> document.status() == IdentityDocument.Status.APPROVED)) {
            return KycStatus.VERIFIED;
        }
        if (documents.isEmpty()) {
            return KycStatus.NONE;
        }
        return documents.get(0).status() == IdentityDocument.Status.PENDING ? KycStatus.PENDING : KycStatus.REJECTED;
    }

    public Optional<IdentityDocument> document(String documentId) {
        return documents.stream().filter(document -> document.documentId().equals(documentId)).findFirst();
    }

    /** With this document added, or put in place of its earlier state. */
    public KycRecord with(IdentityDocument document) {
        List<IdentityDocument> all = new ArrayList<>(documents.stream()
                .filter(existing -> !existing.documentId().equals(document.documentId())).toList());
        all.add(document);
        all.sort(Comparator.comparing(IdentityDocument::submittedAt).reversed().thenComparing(IdentityDocument::documentId));
        return new KycRecord(subscriberId, List.copyOf(all));
    }

    /** The documents whose images are still kept and are due for erasure at {@code now}. */
    public List<IdentityDocument> dueForErasure(Instant now, RetentionPolicy policy) {
        return documents.stream().filter(IdentityDocument::imagesKept)
                .filter(document -> policy.eraseAt(document).map(at -> !at.isAfter(now)).orElse(false)).toList();
    }
}
