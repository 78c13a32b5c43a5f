package io.autotopup.balance.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Proving a number with a one-time code (NIST SP 800-63B-4 for out-of-band codes): a code is 6 random digits,
 * lives 5 minutes and works once; 5 wrong codes lock for 15 minutes, and asking for a new code does not start
 * the count of wrong codes again (only a right code, or the end of a lock, does); a number gets at most one
 * code a minute and 5 an hour.
 *
 * @param codeHash       the hash of the current code (the code itself is never kept); null once it was used
 * @param expiresAt      when the current code stops working
 * @param failedAttempts wrong codes since the last right one (or since the last lock ended)
 * @param lockedUntil    no code is accepted or issued before this
 * @param recentCodes    when codes were issued within the last hour
 */
public record Verification(String codeHash, Instant expiresAt, int failedAttempts, Instant lockedUntil, List<Instant> recentCodes) {

    public static final Duration CODE_LIFETIME = Duration.ofMinutes(5);
    public static final int MAX_ATTEMPTS = 5;
    public static final Duration LOCK = Duration.ofMinutes(15);
    /** At most one code per number in this long. */
    public static final Duration CODE_INTERVAL = Duration.ofSeconds(60);
    /** At most this many codes per number in an hour. */
    public static final int CODES_PER_HOUR = 5;
    private static final Duration HOUR = Duration.ofHours(1);

    /** What an entered code means. */
    public enum Check { ACCEPTED, WRONG, EXPIRED, LOCKED, NO_CODE }

    public Verification {
        lockedUntil = lockedUntil == null ? Instant.EPOCH : lockedUntil;
        recentCodes = recentCodes == null ? List.of() : List.copyOf(recentCodes);
    }

    /** A new code replaces the current one; wrong codes still count unless a lock has ended since. */
    public static Verification issued(String codeHash, Instant issuedAt, Instant expiresAt, Verification previous) {
        if (previous == null) {
            return new Verification(codeHash, expiresAt, 0, Instant.EPOCH, List.of(issuedAt));
        }
        int failures = previous.lockEnded(issuedAt) ? 0 : previous.failedAttempts();
        List<Instant> recent = new ArrayList<>(previous.codesSince(issuedAt.minus(HOUR)));
        recent.add(issuedAt);
        return new Verification(codeHash, expiresAt, failures, previous.lockedUntil(), recent);
    }

    public Verification failedAt(Instant at) {
        int failures = failedAttempts + 1;
        return new Verification(codeHash, expiresAt, failures, failures >= MAX_ATTEMPTS ? at.plus(LOCK) : lockedUntil, recentCodes);
    }

    /** The right code was entered: it works no more, and the count of wrong codes starts again. */
    public Verification used() {
        return new Verification(null, expiresAt, 0, lockedUntil, recentCodes);
    }

    public boolean lockedAt(Instant now) {
        return now.isBefore(lockedUntil);
    }

    private boolean lockEnded(Instant now) {
        return failedAttempts >= MAX_ATTEMPTS && !lockedAt(now);
    }

    /** @param codeMatches whether the entered code hashes to {@link #codeHash} */
    public Check check(boolean codeMatches, Instant now) {
        if (lockedAt(now) || failedAttempts >= MAX_ATTEMPTS) {
            return Check.LOCKED;
        }
        if (codeHash == null) {
            return Check.NO_CODE;
        }
        if (!now.isBefore(expiresAt)) {
            return Check.EXPIRED;
        }
        return codeMatches ? Check.ACCEPTED : Check.WRONG;
    }

    /** Wrong codes still allowed before the lock. */
    public int attemptsLeft() {
        return Math.max(0, MAX_ATTEMPTS - failedAttempts);
    }

    /** When the number may have another code, if not now: after a lock, a minute after the last, an hour after the fifth. */
    public Optional<Instant> nextCodeAt(Instant now) {
        if (lockedAt(now)) {
            return Optional.of(lockedUntil);
        }
        List<Instant> recent = codesSince(now.minus(HOUR));
        if (!recent.isEmpty()) {
            Instant last = recent.get(recent.size() - 1);
            if (now.isBefore(last.plus(CODE_INTERVAL))) {
                return Optional.of(last.plus(CODE_INTERVAL));
            }
        }
        if (recent.size() >= CODES_PER_HOUR) {
            return Optional.of(recent.get(recent.size() - CODES_PER_HOUR).plus(HOUR));
        }
        return Optional.empty();
    }

    /**
     * Of two views of one number's verification (one a moment behind the other), the one further on: the later
     * code; for the same code, the used one, else the one with more wrong codes; with the later lock of the two and
     * every code either knows of.
     */
    public static Verification furthest(Verification a, Verification b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        int order = a.expiresAt().compareTo(b.expiresAt());
        Verification newer;
        if (order != 0) {
            newer = order > 0 ? a : b;
        } else if ((a.codeHash() == null) != (b.codeHash() == null)) {
            newer = a.codeHash() == null ? a : b;
        } else {
            newer = a.failedAttempts() > b.failedAttempts() ? a : b;
        }
        Instant lock = a.lockedUntil().isAfter(b.lockedUntil()) ? a.lockedUntil() : b.lockedUntil();
        List<Instant> codes = java.util.stream.Stream.concat(a.recentCodes().stream(), b.recentCodes().stream())
                .distinct().sorted().toList();
        return new Verification(newer.codeHash(), newer.expiresAt(), newer.failedAttempts(), lock, codes);
    }

    private List<Instant> codesSince(Instant since) {
        return recentCodes.stream().filter(at -> at.isAfter(since)).sorted().toList();
    }
}
