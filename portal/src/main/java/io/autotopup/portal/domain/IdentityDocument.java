package io.autotopup.portal.domain;

import java.time.Instant;

/**
 * An identity document the subscriber sent, as they see it: its type, when, where its review stands, why it was
 * rejected, and whether its images are still kept.
 */
public record IdentityDocument(String documentId, String type, String status, Instant submittedAt, String rejectionReason,
        boolean imagesKept) {
}
