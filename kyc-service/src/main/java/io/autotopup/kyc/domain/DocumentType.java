package io.autotopup.kyc.domain;

/** What a subscriber may send to prove who they are (Lao SIM registration takes any of these). */
public enum DocumentType {
    NATIONAL_ID, PASSPORT, FAMILY_BOOK, OTHER
}
