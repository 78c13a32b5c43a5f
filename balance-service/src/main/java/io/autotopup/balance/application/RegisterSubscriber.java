package io.autotopup.balance.application;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers a subscriber: one account per MSISDN, PENDING_VERIFICATION until the one-time code texted to the
 * number is entered ({@link VerifySubscriber}); its opening balance, if any, is credited by the ledger.
 *
 * <p>The directory learns of a registration a moment after it is published, so a number being registered
 * is reserved here until the directory surely knows it: a second registration in that moment is refused
 * too. The directory of numbers is whole on every instance, but it learns of a registration made on another
 * instance a moment late: two instances registering the same number in that moment can both accept it.
 */
public final class RegisterSubscriber {

    /** Longer than the directory takes to learn of a registration. */
    static final Duration RESERVATION = Duration.ofMinutes(1);

    private final SubscriberDirectory directory;
    private final SubscriberEvents events;
    private final VerifySubscriber verification;
    private final Clock clock;
    private final Map<String, Instant> reserved = new ConcurrentHashMap<>();

    public RegisterSubscriber(SubscriberDirectory directory, SubscriberEvents events, VerifySubscriber verification,
            Clock clock) {
        this.directory = directory;
        this.events = events;
        this.verification = verification;
        this.clock = clock;
    }

    /**
     * A number signing up: it is texted a code at once, within the hourly limit of codes per client address, the service's ceiling and the
     * limit of the number's country.
     *
     * @param clientAddress the address of whoever asked, or null when unknown
     * @return the new subscriber id
     */
    public String signUp(RegisterSubscriberCommand command, String clientAddress) {
        verification.checkAddress(clientAddress, command.msisdn());
        return register(command, true, clientAddress);
    }

    /**
     * A number the carrier provisions (with its opening balance): no code is texted, since its holder asked for
     * nothing yet; they get one when they first sign in, which activates them.
     *
     * @return the new subscriber id
     */
    public String provision(RegisterSubscriberCommand command) {
        return register(command, false, null);
    }

    /** The languages texts are written in. */
    public static final java.util.List<String> LANGUAGES = java.util.List.of("lo", "en", "zh", "th");

    /**
     * The subscriber chooses the language of their texts (and of the portal's pages, where they chose none there).
     *
     * @return the profile as it now is
     * @throws IllegalArgumentException for a language we do not write texts in
     * @throws java.util.NoSuchElementException for a subscriber we do not know
     */
    public SubscriberDirectory.SubscriberProfile chooseLanguage(String subscriberId, String language) {
        if (language == null || !LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language must be one of " + LANGUAGES);
        }
        SubscriberDirectory.SubscriberProfile profile = directory.profile(subscriberId)
                .orElseThrow(() -> new java.util.NoSuchElementException("No subscriber " + subscriberId));
        if (!language.equals(profile.language())) {
            events.languageChosen(profile, language);
        }
        return new SubscriberDirectory.SubscriberProfile(profile.subscriberId(), profile.msisdn(), profile.currency(), language,
                profile.status(), profile.iccid());
    }

    private String register(RegisterSubscriberCommand command, boolean textCode, String clientAddress) {
        Instant now = clock.instant();
        reserved.values().removeIf(until -> until.isBefore(now));
        if (reserved.putIfAbsent(command.msisdn(), now.plus(RESERVATION)) != null) {
            throw new MsisdnAlreadyRegisteredException(null);
        }
        try {
            directory.subscriberIdByMsisdn(command.msisdn()).ifPresent(existing -> {
                throw new MsisdnAlreadyRegisteredException(existing);
            });
        } catch (MsisdnAlreadyRegisteredException e) {
            throw e;
        } catch (RuntimeException e) {
            reserved.remove(command.msisdn());
            throw e;
        }
        String subscriberId;
        try {
            subscriberId = events.newSubscriberId(command.msisdn());
            events.registered(subscriberId, command);
        } catch (RuntimeException e) {
            reserved.remove(command.msisdn());
            throw e;
        }
        // registered: from here on the number stays reserved, and nothing that could fail is looked up
        if (textCode) {
            verification.issueFirstCode(subscriberId, command.msisdn(), command.language(), clientAddress);
        }
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
