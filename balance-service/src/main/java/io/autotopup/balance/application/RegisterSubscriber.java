package io.autotopup.balance.application;

import java.util.UUID;

/**
 * Registers a subscriber: one active account per MSISDN. The account is ACTIVE at once (verification by
 * one-time code comes with the activation issue); its opening balance, if any, is credited by the ledger.
 */
public final class RegisterSubscriber {

    private final SubscriberDirectory directory;
    private final SubscriberEvents events;

    public RegisterSubscriber(SubscriberDirectory directory, SubscriberEvents events) {
        this.directory = directory;
        this.events = events;
    }

    /** @return the new subscriber id */
    public String register(RegisterSubscriberCommand command) {
        directory.subscriberIdByMsisdn(command.msisdn()).ifPresent(existing -> {
            throw new MsisdnAlreadyRegisteredException(existing);
        });
        String subscriberId = UUID.randomUUID().toString();
        events.registered(subscriberId, command);
        return subscriberId;
    }

    /** The MSISDN already belongs to a registered subscriber. */
    public static final class MsisdnAlreadyRegisteredException extends RuntimeException {
        private final String subscriberId;

        public MsisdnAlreadyRegisteredException(String subscriberId) {
            super("This MSISDN is already registered");
            this.subscriberId = subscriberId;
        }

        public String subscriberId() {
            return subscriberId;
        }
    }
}
