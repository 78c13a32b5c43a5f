package io.autotopup.balance.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * Verifying a subscriber's number with a one-time code: a code lives 5 minutes; 5 wrong codes in a row lock
 * verification for 15 minutes; a new code starts the count again once no lock is on.
 *
 * @param codeHash       the hash of the current code (the code itself is never kept)
 * @param expiresAt      when the current code stops working
 * @param failedAttempts wrong codes since the current code was issued
 * @param lockedUntil    no code is accepted or issued before this
 */
public record Verification(String codeHash, Instant expiresAt, int failedAttempts, Instant lockedUntil) {

    public static final Duration CODE_LIFETIME = Duration.ofMinutes(5);
    public static final int MAX_ATTEMPTS = 5;
    public static final Duration LOCK = Duration.ofMinutes(15);

    /** What an entered code means. */
    public enum Check { ACCEPTED, WRONG, EXPIRED, LOCKED }

    public static Verification issued(String codeHash, Instant expiresAt, Verification previous) {
        Instant lock = previous == null ? Instant.EPOCH : previous.lockedUntil();
        return new Verification(codeHash, expiresAt, 0, lock);
    }

    public Verification failedAt(Instant at) {
        int failures = failedAttempts + 1;
        return new Verification(codeHash, expiresAt, failures, failures >= MAX_ATTEMPTS ? at.plus(LOCK) : lockedUntil);
    }

    public boolean lockedAt(Instant now) {
        return now.isBefore(lockedUntil);
    }

    /** @param codeMatches whether the entered code hashes to {@link #codeHash} */
    public Check check(boolean codeMatches, Instant now) {
        if (lockedAt(now) || failedAttempts >= MAX_ATTEMPTS) {
            return Check.LOCKED;
        }
        if (!now.isBefore(expiresAt)) {
            return Check.EXPIRED;
        }
        return codeMatches ? Check.ACCEPTED : Check.WRONG;
    }

    /** Wrong codes still allowed before the lock. */
    public int attemptsLeftAfterThisFailure() {
        return Math.max(0, MAX_ATTEMPTS - failedAttempts - 1);
    }
}
