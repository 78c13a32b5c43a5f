package io.autotopup.rules.domain;

/** What the engine asks the world to do or to know after an event. */
public sealed interface Emission {

    /**
     * Charge a top-up. The id is derived from the triggering event (or the subscriber's ask), so a replay asks with the
     * same id.
     *
     * @param manual the subscriber asked for it (Top up now); else the rule did
     */
    record TopUpRequest(String requestId, long amount, String currency, String paymentMethodId, String triggeringEventId,
            boolean manual) implements Emission {

        public TopUpRequest(String requestId, long amount, String currency, String paymentMethodId, String triggeringEventId) {
            this(requestId, amount, currency, paymentMethodId, triggeringEventId, false);
        }
    }

    /** A top-up was needed but a cap stopped it; said once per day or month. */
    record TopUpSkipped(SkipReason reason, long balance, String currency, String triggeringEventId) implements Emission {
    }

    /** Auto top-up turned itself off after repeated final failures. */
    record AutoTopUpDisabled(int consecutiveFailures, String lastFailureReason) implements Emission {
    }

    /** The balance crossed below the threshold and no top-up will follow. */
    record LowBalanceWarning(long balance, long threshold, String currency, String triggeringEventId) implements Emission {
    }

    enum SkipReason { DAILY_CAP, MONTHLY_CAP }
}
