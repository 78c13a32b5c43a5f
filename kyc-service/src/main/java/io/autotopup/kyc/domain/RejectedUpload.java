package io.autotopup.kyc.domain;

/** An upload refused before anything was stored; the reason says why, for a person and for a form. */
public final class RejectedUpload extends RuntimeException {

    /** Why, as a form shows it. */
    public enum Reason {
        /** No bytes. */
        EMPTY,
        /** Over the size limit. */
        TOO_LARGE,
        /** Not a JPEG, PNG or PDF by its bytes (an executable renamed .jpg, a zip). */
        UNSUPPORTED_TYPE,
        /** A JPEG, PNG or PDF that cannot be read whole (truncated, corrupt, absurd dimensions). */
        UNREADABLE,
        /** A PDF with scripts, actions or embedded files. */
        UNSAFE,
        /** The request itself is wrong (no front, an unknown document type). */
        INVALID
    }

    private final Reason reason;

    public RejectedUpload(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
