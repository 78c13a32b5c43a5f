package io.autotopup.balance.application;

import java.util.Optional;

/** Read side of the ledger: who is registered, and their balance. */
public interface SubscriberDirectory {

    Optional<String> subscriberIdByMsisdn(String msisdn);

    Optional<AccountBalance> balanceOf(String subscriberId);

    /** A subscriber's balance in minor units, and the version of the last change (0: none yet). */
    record AccountBalance(String subscriberId, long minorUnits, String currency, long version) {
    }
}
