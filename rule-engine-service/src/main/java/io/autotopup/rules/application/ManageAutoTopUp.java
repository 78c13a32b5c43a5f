package io.autotopup.rules.application;

import io.autotopup.rules.domain.AutoTopUpRule;

/**
 * Sets, reads and deletes a subscriber's auto top-up rule. A rule is only for an active subscriber, in
 * the account currency, with a threshold of zero or more and a positive amount no larger than the ceiling.
 */
public final class ManageAutoTopUp {

    private final RuleDirectory directory;
    private final RuleEvents events;
    private final long maxTopUpMinorUnits;

    public ManageAutoTopUp(RuleDirectory directory, RuleEvents events, long maxTopUpMinorUnits) {
        this.directory = directory;
        this.events = events;
        this.maxTopUpMinorUnits = maxTopUpMinorUnits;
    }

    public AutoTopUpRule set(String subscriberId, AutoTopUpRule rule) {
        RuleDirectory.AccountView account = directory.account(subscriberId)
                .orElseThrow(() -> new UnknownSubscriberException(subscriberId));
        if (!"ACTIVE".equals(account.status())) {
            throw new InvalidRuleException("Auto top-up is only for active subscribers; this one is " + account.status());
        }
        if (!account.currency().equals(rule.currency())) {
            throw new InvalidRuleException("The rule must be in the account currency " + account.currency());
        }
        if (rule.threshold() < 0) {
            throw new InvalidRuleException("threshold must not be negative");
        }
        if (rule.topUpAmount() <= 0) {
            throw new InvalidRuleException("topUpAmount must be positive");
        }
        if (rule.topUpAmount() > maxTopUpMinorUnits) {
            throw new InvalidRuleException("topUpAmount is above the ceiling of " + maxTopUpMinorUnits + " minor units");
        }
        events.ruleSet(subscriberId, rule);
        return rule;
    }

    public void delete(String subscriberId) {
        directory.rule(subscriberId).orElseThrow(() -> new UnknownSubscriberException(subscriberId));
        events.ruleDeleted(subscriberId);
    }

    /** The subscriber, or their rule, is not known to the rule engine. */
    public static final class UnknownSubscriberException extends RuntimeException {
        public UnknownSubscriberException(String subscriberId) {
            super("No subscriber or rule " + subscriberId);
        }
    }

    /** The rule breaks one of the rules above; the message says which. */
    public static final class InvalidRuleException extends RuntimeException {
        public InvalidRuleException(String message) {
            super(message);
        }
    }
}
