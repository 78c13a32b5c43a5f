package io.autotopup.balance.domain;

/** Why a balance changed. */
public enum LedgerReason {
    USAGE, TOP_UP, ADJUSTMENT
}
