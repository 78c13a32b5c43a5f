package io.autotopup.balance.application;

import io.autotopup.balance.domain.Verification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Activates a subscriber with the one-time code texted to their number. Only an active (verified)
 * subscriber may have an auto top-up rule: activation is published as the subscriber's new status.
 *
 * <p>Wrong codes are published and counted by the topology, whose store catches up a moment later; so that a
 * burst of guesses cannot pass through that moment, this instance also counts the failures it decided (the
 * instance that owns a subscriber answers for them) and judges each code against whichever count is further on.
 */
public final class VerifySubscriber {

    private final SubscriberDirectory directory;
    private final VerificationEvents events;
    private final CodeVault vault;
    private final Clock clock;
    /** The verification state as this instance decided it, ahead of the store until the store catches up. */
    private final Map<String, Verification> decided = new ConcurrentHashMap<>();

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
        Optional<Verification> current = directory.verification(subscriberId).map(stored -> freshest(stored, decided.get(subscriberId)));
        if (current.isPresent() && current.get().lockedAt(now)) {
            throw new LockedException(Duration.between(now, current.get().lockedUntil()));
        }
        publishNewCode(subscriberId, msisdn, language, now);
    }

    /** Texts the first code to a subscriber registered a moment ago: nothing can be locked yet, nothing is looked up. */
    public void issueFirstCode(String subscriberId, String msisdn, String language) {
        publishNewCode(subscriberId, msisdn, language, clock.instant());
    }

    private void publishNewCode(String subscriberId, String msisdn, String language, Instant now) {
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
        Verification stored = directory.verification(subscriberId).orElseThrow(NoCodeException::new);
        Instant now = clock.instant();
        boolean matches = vault.matches(subscriberId, code, stored.codeHash());
        forgetSettled(now);
        AtomicReference<Verification.Check> check = new AtomicReference<>();
        Verification after = decided.compute(subscriberId, (id, ahead) -> {
            Verification current = freshest(stored, ahead);
            check.set(current.check(matches, now));
            return check.get() == Verification.Check.WRONG ? current.failedAt(now) : current;
        });
        switch (check.get()) {
            case ACCEPTED -> events.activated(subscriber);
            case EXPIRED -> throw new ExpiredException();
            case LOCKED -> throw new LockedException(Duration.between(now,
                    after.lockedAt(now) ? after.lockedUntil() : now.plus(Verification.LOCK)));
            case WRONG -> {
                events.attemptFailed(subscriberId, now);
                int left = Math.max(0, Verification.MAX_ATTEMPTS - after.failedAttempts());
                if (left == 0) {
                    throw new LockedException(Verification.LOCK);
                }
                throw new WrongCodeException(left);
            }
        }
    }

    /**
     * The further on of the store's state and this instance's: for the same code, the one with more failures;
     * for a newer code in the store, the store's, keeping a lock this instance knows of.
     */
    static Verification freshest(Verification stored, Verification ahead) {
        if (ahead == null) {
            return stored;
        }
        if (!ahead.codeHash().equals(stored.codeHash())) {
            return ahead.lockedUntil().isAfter(stored.lockedUntil())
                    ? new Verification(stored.codeHash(), stored.expiresAt(), stored.failedAttempts(), ahead.lockedUntil())
                    : stored;
        }
        return ahead.failedAttempts() > stored.failedAttempts() ? ahead : stored;
    }

    /** Drops what this instance decided about codes that have expired and locks that have ended: the store has caught up. */
    private void forgetSettled(Instant now) {
        if (decided.size() > FORGET_ABOVE) {
            decided.values().removeIf(state -> !now.isBefore(state.expiresAt()) && !state.lockedAt(now));
        }
    }

    private static final int FORGET_ABOVE = 1_000;

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
