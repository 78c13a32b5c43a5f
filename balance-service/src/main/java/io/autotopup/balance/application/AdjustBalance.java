package io.autotopup.balance.application;

import java.util.Objects;

/**
 * An operator credits or debits a balance, with a reason and an idempotency key: the same key is applied
 * once, however often it is sent. The ledger applies it; this checks what can be checked before.
 */
public final class AdjustBalance {

    private final SubscriberDirectory directory;
    private final AdjustmentEvents events;

    public AdjustBalance(SubscriberDirectory directory, AdjustmentEvents events) {
        this.directory = directory;
        this.events = events;
    }

    /** A checked adjustment request; the amount is signed, in minor units of {@code currency}. */
    public record Command(String subscriberId, long amount, String currency, String reason, String idempotencyKey) {
        public Command {
            Objects.requireNonNull(subscriberId, "subscriberId");
            if (amount == 0) {
                throw new IllegalArgumentException("amount must not be zero");
            }
            if (reason == null || reason.isBlank() || reason.length() > 200) {
                throw new IllegalArgumentException("reason is required (at most 200 characters)");
            }
            if (idempotencyKey == null || !idempotencyKey.matches("[A-Za-z0-9._:-]{8,100}")) {
                throw new IllegalArgumentException("idempotencyKey must be 8 to 100 letters, digits or . _ : -");
            }
        }
    }

    /** Publishes the adjustment for the ledger to apply. */
    public interface AdjustmentEvents {
        void requested(Command command);
    }

    public void adjust(Command command) {
        SubscriberDirectory.SubscriberProfile subscriber = directory.profile(command.subscriberId())
                .orElseThrow(() -> new UnknownSubscriberException(command.subscriberId()));
        if (!subscriber.currency().equals(command.currency())) {
            throw new WrongCurrencyException(subscriber.currency());
        }
        events.requested(command);
    }

    public static final class UnknownSubscriberException extends RuntimeException {
        public UnknownSubscriberException(String subscriberId) {
            super("No subscriber " + subscriberId);
        }
    }

    public static final class WrongCurrencyException extends RuntimeException {
        public WrongCurrencyException(String accountCurrency) {
            super("The adjustment must be in the account currency " + accountCurrency);
        }
    }
}
