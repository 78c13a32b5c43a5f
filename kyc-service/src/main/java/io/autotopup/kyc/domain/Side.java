package io.autotopup.kyc.domain;

/** The front, and for a card the back, of a document. */
public enum Side {
    FRONT, BACK
}
