package io.autotopup.balance.domain;

/** The ledger's answer to a proposed change: applied as an entry, or refused with a reason. */
public sealed interface LedgerDecision {

    record Applied(LedgerEntry entry) implements LedgerDecision {
    }

    record Refused(Refusal refusal, String detail) implements LedgerDecision {
    }

    /** Why a change is not applied; each one sends the input to its dead-letter topic. */
    enum Refusal {
        UNKNOWN_SUBSCRIBER, CURRENCY_MISMATCH, INVALID_AMOUNT, ACCOUNT_NOT_ACTIVE, STALE_EVENT
    }
}
