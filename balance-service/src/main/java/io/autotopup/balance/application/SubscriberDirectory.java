package io.autotopup.balance.application;

import java.util.List;
import java.util.Optional;

/** Read side of the ledger: who is registered, their balance and its history. */
public interface SubscriberDirectory {

    Optional<String> subscriberIdByMsisdn(String msisdn);

    Optional<AccountBalance> balanceOf(String subscriberId);

    Optional<SubscriberProfile> profile(String subscriberId);

    /** Where the subscriber's identity check stands: NONE, PENDING, VERIFIED or REJECTED. */
    String kycStatus(String subscriberId);

    /** The current one-time code's state, if a code was issued. */
    Optional<io.autotopup.balance.domain.Verification> verification(String subscriberId);

    /**
     * Up to {@code limit} ledger entries of versions below {@code before}, newest first ({@link Long#MAX_VALUE}: the
     * newest); empty for a subscriber with none. The last entry's version is the cursor of the page after.
     */
    List<LedgerLine> ledger(String subscriberId, long before, int limit);

    /** A subscriber's balance in minor units, and the version of the last change (0: none yet). */
    record AccountBalance(String subscriberId, long minorUnits, String currency, long version) {
    }

    /** What is known of a subscriber. */
    record SubscriberProfile(String subscriberId, String msisdn, String currency, String language, String status,
            String iccid) {
    }

    /** One ledger entry: what, how much, the balance after, when, and what caused it. */
    record LedgerLine(long version, String reason, String description, long amount, long balanceAfter, String currency,
            String causationId, long occurredAt) {
    }
}
