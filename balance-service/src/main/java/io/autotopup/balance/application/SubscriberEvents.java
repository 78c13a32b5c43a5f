package io.autotopup.balance.application;

/** Publishes what happened to subscribers. */
public interface SubscriberEvents {

    /** Publishes the registration and returns once the broker has it. */
    void registered(String subscriberId, RegisterSubscriberCommand command);

    /** Publishes the subscriber's details with the language their texts are now in; returns once the broker has it. */
    void languageChosen(SubscriberDirectory.SubscriberProfile subscriber, String language);
}
