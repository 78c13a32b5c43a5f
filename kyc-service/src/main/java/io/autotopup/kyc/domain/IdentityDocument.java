package io.autotopup.kyc.domain;

import java.time.Instant;
import java.util.List;

/**
 * A document as it stands: sent, then approved or rejected, and its images erased some day (the decision and the
 * hashes stay).
 *
 * @param rejectionReason why it was rejected, or null
 * @param erasure         why its images were erased, or null while they are kept
 */
public record IdentityDocument(String documentId, String subscriberId, DocumentType type, List<DocumentPage> pages,
        Instant submittedAt, Status status, Instant decidedAt, String reviewer, String rejectionReason, Instant erasedAt,
        String erasure) {

    public enum Status {
        PENDING, APPROVED, REJECTED
    }

    public static IdentityDocument submitted(String documentId, String subscriberId, DocumentType type, List<DocumentPage> pages,
            Instant at) {
        return new IdentityDocument(documentId, subscriberId, type, List.copyOf(pages), at, Status.PENDING, null, null, null,
                null, null);
    }

    public IdentityDocument reviewed(boolean approved, String reason, String by, Instant at) {
        return new IdentityDocument(documentId, subscriberId, type, pages, submittedAt, approved ? Status.APPROVED : Status.REJECTED,
                at, by, approved ? null : reason, erasedAt, erasure);
    }

    public IdentityDocument erased(String cause, Instant at) {
        return new IdentityDocument(documentId, subscriberId, type, pages, submittedAt, status, decidedAt, reviewer,
                rejectionReason, at, cause);
    }

    public boolean imagesKept() {
        return erasedAt == null;
    }

    public DocumentPage page(Side side) {
        return pages.stream().filter(page -> page.side() == side).findFirst().orElse(null);
    }
}
