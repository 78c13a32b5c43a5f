package io.autotopup.balance.application;

/** Publishes what happened to subscribers. */
public interface SubscriberEvents {

    /** Publishes the registration and returns once the broker has it. */
    void registered(String subscriberId, RegisterSubscriberCommand command);
}
