package io.autotopup.platform.streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Kafka Streams application does when one of its stream threads dies.
 *
 * <p>Kafka Streams' own default is to shut the whole client down, and then the instance answers DOWN until
 * something restarts it. That is right for a bug in our processing, but not for an error the broker answered with
 * (an {@link ApiException} anywhere in the cause chain). The soak found such errors after a node was lost while an
 * instance was paused: {@code InvalidTxnStateException} on commit, which Kafka Streams does not treat as a fenced
 * producer. A thread that failed on a broker error is replaced. With exactly-once, its open transaction is aborted,
 * its tasks come back from their changelogs, and the records since the last commit are processed again, so nothing is
 * lost or applied twice.
 *
 * <p>The number of replacements is bounded ({@code maxReplacements} within {@code window}). A broker error that
 * keeps coming back shuts the client down, so that the liveness probe restarts the instance and the failure is seen.
 */
public final class StreamThreadFailures implements StreamsUncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(StreamThreadFailures.class);

    private final int maxReplacements;
    private final Duration window;
    private final Clock clock;
    private final Deque<Instant> replacements = new ArrayDeque<>();

    public StreamThreadFailures(int maxReplacements, Duration window, Clock clock) {
        if (maxReplacements < 0) {
            throw new IllegalArgumentException("maxReplacements must not be negative");
        }
        this.maxReplacements = maxReplacements;
        this.window = window;
        this.clock = clock;
    }

    /** Up to 5 replacements in 10 minutes. */
    public static StreamThreadFailures standard() {
        return new StreamThreadFailures(5, Duration.ofMinutes(10), Clock.systemUTC());
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable failure) {
        ApiException brokerError = brokerError(failure);
        if (brokerError == null) {
            log.error("A stream thread failed on something other than an error the broker answered; shutting Kafka Streams down"
                    + " (the liveness probe restarts the instance)", failure);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        Instant now = clock.instant();
        while (!replacements.isEmpty() && replacements.peekFirst().isBefore(now.minus(window))) {
            replacements.removeFirst();
        }
        if (replacements.size() >= maxReplacements) {
            log.error("A stream thread failed on a broker error ({}), after {} replacements within {}; shutting Kafka Streams"
                    + " down (the liveness probe restarts the instance)", brokerError.getClass().getSimpleName(),
                    replacements.size(), window, failure);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacements.addLast(now);
        log.warn("A stream thread failed on a broker error ({}: {}); replacing it (its transaction is aborted and its"
                + " records are processed again)", brokerError.getClass().getSimpleName(), brokerError.getMessage(), failure);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private static ApiException brokerError(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ApiException apiException) {
                return apiException;
            }
        }
        return null;
    }
}
