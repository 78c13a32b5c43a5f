package io.autotopup.balance.application;

import io.autotopup.balance.domain.Verification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Activates a subscriber with the one-time code texted to their number. Only an active (verified)
 * subscriber may have an auto top-up rule: activation is published as the subscriber's new status.
 */
public final class VerifySubscriber {

    private final SubscriberDirectory directory;
    private final VerificationEvents events;
    private final CodeVault vault;
    private final Clock clock;

    public VerifySubscriber(SubscriberDirectory directory, VerificationEvents events, CodeVault vault, Clock clock) {
        this.directory = directory;
        this.events = events;
        this.vault = vault;
        this.clock = clock;
    }

    /** Publishes what verification needs; each returns once the broker has it. */
    public interface VerificationEvents {
        void codeIssued(String subscriberId, String msisdn, String language, String sealedCode, String codeHash,
                Instant issuedAt, Instant expiresAt);

        void attemptFailed(String subscriberId, Instant at);

        void activated(SubscriberDirectory.SubscriberProfile subscriber);
    }

    /** Texts a new code to a subscriber who is not verified yet. */
    public void issueCode(String subscriberId, String msisdn, String language) {
        Instant now = clock.instant();
        Optional<Verification> current = directory.verification(subscriberId);
        if (current.isPresent() && current.get().lockedAt(now)) {
            throw new LockedException(Duration.between(now, current.get().lockedUntil()));
        }
        String code = vault.newCode();
        events.codeIssued(subscriberId, msisdn, language, vault.seal(code), vault.hash(subscriberId, code), now,
                now.plus(Verification.CODE_LIFETIME));
    }

    /** Texts a new code to a registered, unverified subscriber. */
    public void resendCode(String subscriberId) {
        SubscriberDirectory.SubscriberProfile subscriber = pending(subscriberId);
        issueCode(subscriberId, subscriber.msisdn(), subscriber.language());
    }

    /** Checks the code; the right one activates the subscriber. */
    public void verify(String subscriberId, String code) {
        SubscriberDirectory.SubscriberProfile subscriber = pending(subscriberId);
        Verification verification = directory.verification(subscriberId).orElseThrow(NoCodeException::new);
        Instant now = clock.instant();
        switch (verification.check(vault.matches(subscriberId, code, verification.codeHash()), now)) {
            case ACCEPTED -> events.activated(subscriber);
            case EXPIRED -> throw new ExpiredException();
            case LOCKED -> throw new LockedException(Duration.between(now,
                    verification.lockedAt(now) ? verification.lockedUntil() : now.plus(Verification.LOCK)));
            case WRONG -> {
                events.attemptFailed(subscriberId, now);
                int left = verification.attemptsLeftAfterThisFailure();
                if (left == 0) {
                    throw new LockedException(Verification.LOCK);
                }
                throw new WrongCodeException(left);
            }
        }
    }

    private SubscriberDirectory.SubscriberProfile pending(String subscriberId) {
        SubscriberDirectory.SubscriberProfile subscriber = directory.profile(subscriberId)
                .orElseThrow(() -> new AdjustBalance.UnknownSubscriberException(subscriberId));
        if (!"PENDING_VERIFICATION".equals(subscriber.status())) {
            throw new AlreadyVerifiedException(subscriber.status());
        }
        return subscriber;
    }

    public static final class WrongCodeException extends RuntimeException {
        private final int attemptsLeft;

        public WrongCodeException(int attemptsLeft) {
            super("Wrong code; " + attemptsLeft + " more attempt(s) before verification is locked for 15 minutes");
            this.attemptsLeft = attemptsLeft;
        }

        public int attemptsLeft() {
            return attemptsLeft;
        }
    }

    public static final class LockedException extends RuntimeException {
        private final Duration retryAfter;

        public LockedException(Duration retryAfter) {
            super("Too many wrong codes: verification is locked for " + Math.max(1, retryAfter.toMinutes()) + " minute(s)");
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    public static final class ExpiredException extends RuntimeException {
        public ExpiredException() {
            super("The code has expired; ask for a new one");
        }
    }

    public static final class NoCodeException extends RuntimeException {
        public NoCodeException() {
            super("No code has been issued yet; ask for one");
        }
    }

    public static final class AlreadyVerifiedException extends RuntimeException {
        public AlreadyVerifiedException(String status) {
            super("The subscriber is " + status + ", not waiting for verification");
        }
    }
}
