package io.autotopup.portal.domain;

/**
 * Where a subscriber's auto top-up stands, as the rule engine reports it, and what a person should read for it.
 * Each state has a message key {@code state.<name>}.
 */
public enum RuleState {
    /** Waiting for the balance to drop below the threshold. */
    ARMED,
    /** A top-up is being paid or credited; no other starts meanwhile. */
    PENDING,
    /** Paused by the subscriber. */
    PAUSED,
    /** A payment failed; no top-up until the time the rule engine gives, unless the rule is resumed or a method added. */
    SUSPENDED,
    /** Three payments in a row failed; no top-up until the subscriber resumes it or adds a method. */
    DISABLED,
    /** The daily count or the monthly amount is reached. */
    CAPPED;

    public static RuleState of(String state) {
        return valueOf(state);
    }

    public String messageKey() {
        return "state." + name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Resuming the rule is what makes it top up again. */
    public boolean needsResume() {
        return this == PAUSED || this == SUSPENDED || this == DISABLED;
    }
}
