package io.autotopup.rules.application;

import io.autotopup.rules.domain.AutoTopUpRule;
import io.autotopup.rules.domain.RulePolicy;

/**
 * Sets, pauses, resumes and deletes a subscriber's auto top-up rule. A rule is only for an active
 * subscriber, in the account currency, with a threshold of zero or more; FIXED amounts are positive and
 * within the ceiling, TARGET balances are above the threshold and the gap within the ceiling; caps are
 * positive; the payment method, if named, is one the subscriber has bound.
 */
public final class ManageAutoTopUp {

    private final RuleDirectory directory;
    private final RuleEvents events;
    private final RulePolicy policy;

    public ManageAutoTopUp(RuleDirectory directory, RuleEvents events, RulePolicy policy) {
        this.directory = directory;
        this.events = events;
        this.policy = policy;
    }

    public AutoTopUpRule set(String subscriberId, AutoTopUpRule rule) {
        RuleDirectory.AccountView account = directory.account(subscriberId)
                .orElseThrow(() -> new NotFoundException("No subscriber " + subscriberId));
        if (!"ACTIVE".equals(account.status())) {
            throw new InvalidRuleException("Auto top-up is only for active subscribers; this one is " + account.status());
        }
        if (!account.currency().equals(rule.currency())) {
            throw new InvalidRuleException("The rule must be in the account currency " + account.currency());
        }
        long maxTopUpMinorUnits = policy.ceilingFor(rule.currency());
        if (rule.threshold() < 0) {
            throw new InvalidRuleException("threshold must not be negative");
        }
        if (rule.mode() == AutoTopUpRule.Mode.FIXED) {
            if (rule.topUpAmount() <= 0) {
                throw new InvalidRuleException("topUpAmount must be positive");
            }
            if (rule.topUpAmount() > maxTopUpMinorUnits) {
                throw new InvalidRuleException("topUpAmount is above the ceiling of " + maxTopUpMinorUnits + " minor units");
            }
        } else {
            if (rule.targetBalance() == null || rule.targetBalance() <= rule.threshold()) {
                throw new InvalidRuleException("targetBalance must be above the threshold");
            }
            if (rule.targetBalance() - rule.threshold() > maxTopUpMinorUnits) {
                throw new InvalidRuleException("targetBalance is further above the threshold than the ceiling of "
                        + maxTopUpMinorUnits + " minor units allows in one top-up");
            }
        }
        if (rule.maxTopUpsPerDay() < 1) {
            throw new InvalidRuleException("maxTopUpsPerDay must be at least 1");
        }
        if (rule.maxAmountPerMonth() != null && rule.maxAmountPerMonth() <= 0) {
            throw new InvalidRuleException("maxAmountPerMonth must be positive");
        }
        if (rule.paymentMethodId() != null && !directory.topUps(subscriberId).ownsPaymentMethod(rule.paymentMethodId())) {
            throw new NotFoundException("Subscriber " + subscriberId + " has no payment method " + rule.paymentMethodId());
        }
        events.ruleSet(subscriberId, rule);
        return rule;
    }

    public AutoTopUpRule pause(String subscriberId) {
        return setEnabled(subscriberId, false);
    }

    public AutoTopUpRule resume(String subscriberId) {
        return setEnabled(subscriberId, true);
    }

    public void delete(String subscriberId) {
        existing(subscriberId);
        events.ruleDeleted(subscriberId);
    }

    private AutoTopUpRule setEnabled(String subscriberId, boolean enabled) {
        AutoTopUpRule rule = existing(subscriberId).withEnabled(enabled);
        events.ruleSet(subscriberId, rule);
        return rule;
    }

    private AutoTopUpRule existing(String subscriberId) {
        return directory.rule(subscriberId).orElseThrow(() -> new NotFoundException(
                "Subscriber " + subscriberId + " has no auto top-up rule"));
    }

    /** The subscriber, their rule or their payment method is not known to the rule engine. */
    public static final class NotFoundException extends RuntimeException {
        public NotFoundException(String message) {
            super(message);
        }
    }

    /** The rule breaks one of the rules above; the message says which. */
    public static final class InvalidRuleException extends RuntimeException {
        public InvalidRuleException(String message) {
            super(message);
        }
    }
}
