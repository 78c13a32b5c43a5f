package io.autotopup.balance.application;

import io.autotopup.balance.domain.Verification;
import java.util.List;
import java.util.Optional;

/** A directory that knows nobody; a test overrides what its subscriber should have. */
class EmptyDirectory implements SubscriberDirectory {

    @Override
    public Optional<String> subscriberIdByMsisdn(String msisdn) {
        return Optional.empty();
    }

    @Override
    public Optional<AccountBalance> balanceOf(String subscriberId) {
        return Optional.empty();
    }

    @Override
    public Optional<SubscriberProfile> profile(String subscriberId) {
        return Optional.empty();
    }

    @Override
    public String kycStatus(String subscriberId) {
        return "NONE";
    }

    @Override
    public Optional<Verification> verification(String subscriberId) {
        return Optional.empty();
    }

    @Override
    public List<LedgerLine> ledger(String subscriberId, long before, int limit) {
        return List.of();
    }
}
