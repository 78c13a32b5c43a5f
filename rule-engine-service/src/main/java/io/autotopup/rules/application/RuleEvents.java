package io.autotopup.rules.application;

import io.autotopup.rules.domain.AutoTopUpRule;

/** Publishes rule changes; each returns once the broker has the change. */
public interface RuleEvents {

    void ruleSet(String subscriberId, AutoTopUpRule rule);

    void ruleDeleted(String subscriberId);

    /** The subscriber asks for a top-up now, under the key {@code askId}. */
    void topUpAsked(String subscriberId, String askId, long amount, String currency, String paymentMethodId);
}
