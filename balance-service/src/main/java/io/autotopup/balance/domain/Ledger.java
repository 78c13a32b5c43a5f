package io.autotopup.balance.domain;

import io.autotopup.balance.domain.LedgerDecision.Applied;
import io.autotopup.balance.domain.LedgerDecision.Refusal;
import io.autotopup.balance.domain.LedgerDecision.Refused;

/**
 * The rules of the ledger. Usage is debited and may take the balance below zero (it is rated after the
 * fact); top-ups and opening balances are credited. Every applied change raises the version by exactly
 * one, so consumers of the changes can see a gap. Amounts must be in the account currency. Whether a
 * change was already applied is the caller's concern: it keeps the applied causation ids.
 */
public final class Ledger {

    private Ledger() {
    }

    /**
     * Debits a rated usage charge. A zero charge (a free SMS) is still an entry in the history; a negative
     * one, or one above the ceiling of the currency, is refused.
     */
    public static LedgerDecision debitUsage(Account account, Balance current, long charge, String currency,
            String causationId, LedgerPolicy policy) {
        if (charge < 0) {
            return new Refused(Refusal.INVALID_AMOUNT, "usage charge " + charge + " " + currency + " is negative");
        }
        if (charge > policy.ceilingFor(currency)) {
            return new Refused(Refusal.INVALID_AMOUNT, "usage charge " + charge + " " + currency
                    + " is above the ceiling of " + policy.ceilingFor(currency));
        }
        return apply(account, current, -charge, currency, LedgerReason.USAGE, causationId);
    }

    /** Credits a completed top-up. */
    public static LedgerDecision creditTopUp(Account account, Balance current, long amount, String currency,
            String causationId) {
        if (amount <= 0) {
            return new Refused(Refusal.INVALID_AMOUNT, "top-up amount " + amount + " " + currency + " is not positive");
        }
        return apply(account, current, amount, currency, LedgerReason.TOP_UP, causationId);
    }

    /** Applies an opening balance or an operator adjustment (credit if positive, debit if negative, never zero). */
    public static LedgerDecision adjust(Account account, Balance current, long amount, String currency,
            String causationId) {
        if (amount == 0) {
            return new Refused(Refusal.INVALID_AMOUNT, "an adjustment of zero changes nothing");
        }
        return apply(account, current, amount, currency, LedgerReason.ADJUSTMENT, causationId);
    }

    private static LedgerDecision apply(Account account, Balance current, long signedAmount, String currency,
            LedgerReason reason, String causationId) {
        if (!account.currency().equals(currency)) {
            return new Refused(Refusal.CURRENCY_MISMATCH,
                    currency + " amount on an account kept in " + account.currency());
        }
        if (reason == LedgerReason.USAGE && !account.active()) {
            return new Refused(Refusal.ACCOUNT_NOT_ACTIVE, "account is " + account.status());
        }
        Balance after = new Balance(Math.addExact(current.minorUnits(), signedAmount), current.currency(),
                current.version() + 1);
        return new Applied(new LedgerEntry(current, after, reason, causationId));
    }
}
