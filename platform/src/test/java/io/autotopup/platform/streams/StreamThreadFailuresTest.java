package io.autotopup.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;

import java.time.Duration;
import java.time.Instant;
import io.autotopup.platform.testing.MovableClock;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Which stream-thread failures replace the thread and which shut Kafka Streams down for the liveness probe. */
class StreamThreadFailuresTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T08:00:00Z"));
    private final StreamThreadFailures failures = new StreamThreadFailures(3, Duration.ofMinutes(10), clock);

    @Test
    void a_broker_error_on_commit_replaces_the_thread() {
        assertThat(failures.handle(commitFailed())).isEqualTo(REPLACE_THREAD);
    }

    @Test
    void a_failure_of_our_own_processing_shuts_kafka_streams_down() {
        assertThat(failures.handle(new StreamsException("process", new IllegalStateException("a bug")))).isEqualTo(SHUTDOWN_CLIENT);
        assertThat(failures.handle(new StreamsException("produce", new SerializationException("cannot write"))))
                .as("a client-side error is not the broker's answer").isEqualTo(SHUTDOWN_CLIENT);
    }

    @Test
    void a_broker_error_that_keeps_coming_back_shuts_kafka_streams_down_until_the_window_has_passed() {
        for (int i = 0; i < 3; i++) {
            assertThat(failures.handle(commitFailed())).isEqualTo(REPLACE_THREAD);
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(failures.handle(commitFailed())).as("a fourth within ten minutes").isEqualTo(SHUTDOWN_CLIENT);

        clock.advance(Duration.ofMinutes(8)); // the first replacement is now more than ten minutes ago
        assertThat(failures.handle(commitFailed())).isEqualTo(REPLACE_THREAD);
        assertThat(failures.handle(commitFailed())).isEqualTo(SHUTDOWN_CLIENT);
    }

    private static StreamsException commitFailed() {
        return new StreamsException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
    }
}
