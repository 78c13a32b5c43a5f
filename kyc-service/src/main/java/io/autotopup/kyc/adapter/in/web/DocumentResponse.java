package io.autotopup.kyc.adapter.in.web;

import io.autotopup.kyc.domain.IdentityDocument;
import java.time.Instant;
import java.util.List;

/** A document as the API shows it: no object key, no key id; its sides' hashes, sizes and types. */
record DocumentResponse(String documentId, String subscriberId, String type, String status, Instant submittedAt,
        Instant decidedAt, String rejectionReason, boolean imagesKept, Instant erasedAt, List<PageResponse> pages) {

    record PageResponse(String side, String sha256, long size, String contentType) {
    }

    static DocumentResponse of(IdentityDocument document) {
        return new DocumentResponse(document.documentId(), document.subscriberId(), document.type().name(),
                document.status().name(), document.submittedAt(), document.decidedAt(), document.rejectionReason(),
                document.imagesKept(), document.erasedAt(), document.pages().stream().map(page -> new PageResponse(
                        page.side().name(), page.sha256(), page.size(), page.contentType())).toList());
    }
}
