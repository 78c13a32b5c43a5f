package io.autotopup.balance.application;

/** Publishes what happened to subscribers. */
public interface SubscriberEvents {

    /**
     * The id a new subscriber with this number gets: any id unique to them will do, and where their events go may
     * prefer some (the Kafka adapter: one that lands on the number's partition, so that their usage is applied where it
     * arrives).
     */
    default String newSubscriberId(String msisdn) {
        return java.util.UUID.randomUUID().toString();
    }

    /** Publishes the registration and returns once the broker has it. */
    void registered(String subscriberId, RegisterSubscriberCommand command);

    /** Publishes the subscriber's details with the language their texts are now in; returns once the broker has it. */
    void languageChosen(SubscriberDirectory.SubscriberProfile subscriber, String language);
}
