package io.autotopup.kyc.domain;

/** Where a subscriber's identity check stands. */
public enum KycStatus {
    /** Nothing sent yet. */
    NONE,
    /** A document waits for review. */
    PENDING,
    /** A document was approved. */
    VERIFIED,
    /** The latest document was rejected, and none approved. */
    REJECTED
}
