package io.autotopup.rules.application;

import io.autotopup.rules.domain.AutoTopUpAccount;
import io.autotopup.rules.domain.AutoTopUpRule;
import io.autotopup.rules.domain.RulePolicy;

/**
 * Sets, pauses, resumes and deletes a subscriber's auto top-up rule. A rule is only for an active
 * subscriber (whose identity document was approved, where the carrier asks for it), in the account currency, with a threshold of zero or more; FIXED amounts are positive and
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
        RuleDirectory.AccountView account = eligible(subscriberId, "Auto top-up");
        if (!account.currency().equals(rule.currency())) {
            throw new InvalidRuleException("threshold", "currency", "The rule must be in the account currency " + account.currency());
        }
        long maxTopUpMinorUnits = policy.ceilingFor(rule.currency());
        if (rule.threshold() < 0) {
            throw new InvalidRuleException("threshold", "negative", "threshold must not be negative");
        }
        if (rule.mode() == AutoTopUpRule.Mode.FIXED) {
            if (rule.topUpAmount() <= 0) {
                throw new InvalidRuleException("topUpAmount", "not_positive", "topUpAmount must be positive");
            }
            if (rule.topUpAmount() > maxTopUpMinorUnits) {
                throw new InvalidRuleException("topUpAmount", "above_ceiling", "topUpAmount is above the ceiling of " + maxTopUpMinorUnits
                        + " minor units", maxTopUpMinorUnits);
            }
        } else {
            if (rule.targetBalance() == null || rule.targetBalance() <= rule.threshold()) {
                throw new InvalidRuleException("targetBalance", "not_above_threshold", "targetBalance must be above the threshold");
            }
            if (rule.targetBalance() - rule.threshold() > maxTopUpMinorUnits) {
                throw new InvalidRuleException("targetBalance", "above_ceiling", "targetBalance is further above the threshold than the ceiling of "
                        + maxTopUpMinorUnits + " minor units allows in one top-up", maxTopUpMinorUnits);
            }
        }
        if (rule.maxTopUpsPerDay() < 1) {
            throw new InvalidRuleException("maxTopUpsPerDay", "below_one", "maxTopUpsPerDay must be at least 1");
        }
        if (rule.maxAmountPerMonth() != null && rule.maxAmountPerMonth() <= 0) {
            throw new InvalidRuleException("maxAmountPerMonth", "not_positive", "maxAmountPerMonth must be positive");
        }
        // a month's cap below the smallest top-up the rule can ask for would never let one through
        long smallestTopUp = rule.mode() == AutoTopUpRule.Mode.FIXED ? rule.topUpAmount() : rule.targetBalance() - rule.threshold();
        if (rule.maxAmountPerMonth() != null && rule.maxAmountPerMonth() < smallestTopUp) {
            throw new InvalidRuleException("maxAmountPerMonth", "below_one_top_up", "maxAmountPerMonth is below one top-up of "
                    + smallestTopUp + " minor units: the rule could never top up", smallestTopUp);
        }
        if (rule.paymentMethodId() != null && !ownsPaymentMethod(subscriberId, rule.paymentMethodId())) {
            throw new InvalidRuleException("paymentMethodId", "unknown", "Subscriber " + subscriberId + " has no payment method "
                    + rule.paymentMethodId());
        }
        events.ruleSet(subscriberId, rule);
        return rule;
    }

    /**
     * A top-up the subscriber asks for now (Top up now), beside the rule: for an active subscriber (verified where the
     * carrier asks), in the account currency, positive and within the ceiling, from a method they have bound, never
     * while a top-up is on its way and within the day's count and the month's amount (the rule's, else the defaults).
     * The rule engine's topology decides for good (it alone knows what is in flight the moment the ask arrives); this
     * says no at once to what it would refuse. The same ask (its key) twice is one top-up.
     *
     * @return the request id the top-up has (or will have): derived from the subscriber and the ask's key
     */
    public String askTopUp(String subscriberId, String askId, long amount, String currency, String paymentMethodId) {
        RuleDirectory.AccountView account = eligible(subscriberId, "Top up now");
        if (!account.currency().equals(currency)) {
            throw new InvalidRuleException("amount", "currency", "The amount must be in the account currency " + account.currency());
        }
        if (amount <= 0) {
            throw new InvalidRuleException("amount", "not_positive", "amount must be positive");
        }
        long ceiling = policy.ceilingFor(currency);
        if (amount > ceiling) {
            throw new InvalidRuleException("amount", "above_ceiling", "amount is above the ceiling of " + ceiling + " minor units",
                    ceiling);
        }
        String requestId = AutoTopUpAccount.manualRequestId(subscriberId, askId);
        AutoTopUpAccount topUps = directory.topUps(subscriberId);
        if (topUps.history().stream().anyMatch(record -> record.requestId().equals(requestId))) {
            return requestId;
        }
        if (paymentMethodId != null ? !ownsPaymentMethod(subscriberId, paymentMethodId) : !hasPaymentMethod(subscriberId)) {
            throw paymentMethodId != null
                    ? new InvalidRuleException("paymentMethodId", "unknown", "Subscriber " + subscriberId + " has no payment method " + paymentMethodId)
                    : new InvalidRuleException("paymentMethodId", "none", "Subscriber " + subscriberId + " has no payment method to charge");
        }
        if (topUps.inFlightRequestId() != null) {
            throw new InFlightException("A top-up is on its way already (" + topUps.inFlightRequestId() + "): ask again once it is credited");
        }
        AutoTopUpRule caps = directory.rule(subscriberId).orElse(AutoTopUpRule.fixed(0, amount, currency, null));
        java.time.Instant now = java.time.Instant.now();
        if (topUps.topUpsOn(caps, now) >= caps.maxTopUpsPerDay()) {
            throw new InvalidRuleException(null, "daily_cap", "The " + caps.maxTopUpsPerDay() + " top-ups a day are used up");
        }
        if (caps.maxAmountPerMonth() != null && topUps.amountIn(caps, now) + amount > caps.maxAmountPerMonth()) {
            throw new InvalidRuleException("amount", "monthly_cap", "That would pass the month's " + caps.maxAmountPerMonth()
                    + " minor units", Math.max(0, caps.maxAmountPerMonth() - topUps.amountIn(caps, now)));
        }
        events.topUpAsked(subscriberId, askId, amount, currency, paymentMethodId);
        return requestId;
    }

    /** The subscriber's account, if it may have {@code what} (Auto top-up, Top up now): active, and verified where the carrier asks for it. */
    private RuleDirectory.AccountView eligible(String subscriberId, String what) {
        RuleDirectory.AccountView account = directory.account(subscriberId)
                .orElseThrow(() -> new NotFoundException("No subscriber " + subscriberId));
        if (!"ACTIVE".equals(account.status())) {
            throw new InvalidRuleException(null, "not_active", what + " is only for active subscribers; this one is "
                    + account.status());
        }
        if (policy.requireVerifiedIdentity() && !"VERIFIED".equals(directory.kycStatus(subscriberId))) {
            throw new InvalidRuleException(null, "identity_not_verified", "The carrier asks for a verified identity document "
                    + "before " + what.toLowerCase(java.util.Locale.ROOT) + ": send one, and ask again once it is approved (now " + directory.kycStatus(subscriberId) + ")");
        }
        return account;
    }

    private boolean hasPaymentMethod(String subscriberId) {
        return directory.topUps(subscriberId).hasPaymentMethod() || directory.catchUpWithPaymentMethods()
                && directory.topUps(subscriberId).hasPaymentMethod();
    }

    /** A top-up is on its way: another is asked for once it is credited or has failed. */
    public static final class InFlightException extends RuntimeException {
        public InFlightException(String message) {
            super(message);
        }
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

    /**
     * Whether the subscriber has bound the method. The engine learns of a binding from payment-service's topic, so a
     * method it does not know yet may have been bound a moment ago (the app binds a card, then sets the rule naming
     * it): it reads up to what that topic held when asked before it says no.
     */
    private boolean ownsPaymentMethod(String subscriberId, String paymentMethodId) {
        if (directory.topUps(subscriberId).ownsPaymentMethod(paymentMethodId)) {
            return true;
        }
        boolean caughtUp = directory.catchUpWithPaymentMethods();
        if (directory.topUps(subscriberId).ownsPaymentMethod(paymentMethodId)) {
            return true;
        }
        if (!caughtUp) {
            throw new BehindException("The payment methods bound lately are still on their way to the rule engine; "
                    + "ask again in a moment");
        }
        return false;
    }

    /** The engine is behind on what it needs to answer; asking again later will do. */
    public static final class BehindException extends RuntimeException {
        public BehindException(String message) {
            super(message);
        }
    }

    /**
     * The rule breaks one of the rules above; the message says which, for a person, and the field and a code say it
     * for a form that shows the error next to the field, in its own words.
     */
    public static final class InvalidRuleException extends RuntimeException {
        private final String field;
        private final String code;
        private final Long limitMinorUnits;

        public InvalidRuleException(String field, String code, String message) {
            this(field, code, message, null);
        }

        public InvalidRuleException(String field, String code, String message, Long limitMinorUnits) {
            super(message);
            this.field = field;
            this.code = code;
            this.limitMinorUnits = limitMinorUnits;
        }

        /** The request field at fault, or null when it is the subscriber's account. */
        public String field() {
            return field;
        }

        public String code() {
            return code;
        }

        /** The ceiling that was passed, in minor units of the rule's currency, where one was. */
        public Long limitMinorUnits() {
            return limitMinorUnits;
        }
    }
}
