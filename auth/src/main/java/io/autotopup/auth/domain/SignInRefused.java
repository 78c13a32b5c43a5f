package io.autotopup.auth.domain;

import java.time.Duration;

/** Why a number could not sign in now, and when it may try again. */
public final class SignInRefused extends RuntimeException {

    /** The reasons a person is told, each with a message of its own in their language. */
    public enum Reason {
        WRONG_CODE, EXPIRED_CODE, NO_CODE, LOCKED, TOO_MANY_CODES, ADDRESS_LIMIT, CODES_PAUSED, UNKNOWN_NUMBER, ALREADY_REGISTERED,
        CLOSED, INVALID, UNAVAILABLE;

        /** The reason when the answer gave none but its status. */
        public static Reason fromStatus(int status) {
            return switch (status) {
                case 400 -> INVALID;
                case 404 -> UNKNOWN_NUMBER;
                case 409 -> ALREADY_REGISTERED;
                case 422 -> WRONG_CODE;
                case 429 -> TOO_MANY_CODES;
                default -> UNAVAILABLE;
            };
        }
    }

    private final Reason reason;
    private final Duration retryAfter;
    private final int attemptsLeft;

    public SignInRefused(Reason reason, Duration retryAfter, int attemptsLeft, String detail) {
        super(reason + (detail == null ? "" : ": " + detail));
        this.reason = reason;
        this.retryAfter = retryAfter;
        this.attemptsLeft = attemptsLeft;
    }

    public Reason reason() {
        return reason;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Wrong codes still allowed before the lock, or -1 when it does not apply. */
    public int attemptsLeft() {
        return attemptsLeft;
    }
}
