package io.autotopup.portal.domain;

/**
 * What the rule would do at a balance, without charging anything: the rule engine's own decision, told before it
 * happens. A top-up starts when a use of credit leaves the balance below the threshold, with the rule on, nothing in
 * flight, and within the day's count and the month's amount.
 *
 * @param outcome what would happen
 * @param amount  the amount it would top up (TOP_UP_NEXT_USE), or how far the balance is above the threshold (WAIT)
 */
public record RulePreview(Outcome outcome, Money amount) {

    public enum Outcome {
        /** No rule: nothing happens. */
        NO_RULE,
        /** No payment method to charge. */
        NO_METHOD,
        /** The balance is above the threshold by {@code amount}: nothing yet. */
        WAIT,
        /** Below the threshold: the next use of credit tops up {@code amount}. */
        TOP_UP_NEXT_USE,
        /** A top-up is under way. */
        IN_FLIGHT,
        /** Paused, suspended or disabled: resume it first. */
        NOT_ON,
        /** Today's number of top-ups is reached. */
        DAILY_CAP,
        /** This top-up would pass the month's amount. */
        MONTHLY_CAP;

        public String messageKey() {
            return "preview." + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public static RulePreview at(Money balance, AutoTopUp rule, boolean hasPaymentMethod) {
        if (rule == null) {
            return new RulePreview(Outcome.NO_RULE, null);
        }
        if (!hasPaymentMethod) {
            return new RulePreview(Outcome.NO_METHOD, null);
        }
        if (rule.state() == RuleState.PENDING) {
            return new RulePreview(Outcome.IN_FLIGHT, null);
        }
        if (rule.state().needsResume()) {
            return new RulePreview(Outcome.NOT_ON, null);
        }
        if (!balance.isBelow(rule.threshold())) {
            return new RulePreview(Outcome.WAIT, balance.minus(rule.threshold()));
        }
        if (rule.topUpsToday() >= rule.maxTopUpsPerDay()) {
            return new RulePreview(Outcome.DAILY_CAP, null);
        }
        Money amount = rule.amountAt(balance);
        if (rule.maxAmountPerMonth() != null && rule.amountThisMonth().plus(amount).minorUnits() > rule.maxAmountPerMonth().minorUnits()) {
            return new RulePreview(Outcome.MONTHLY_CAP, amount);
        }
        return new RulePreview(Outcome.TOP_UP_NEXT_USE, amount);
    }
}
