package io.autotopup.platform.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for the broker to acknowledge a send, for callers that answer a client only once it has. */
public final class Acknowledged {

    private static final long TIMEOUT_SECONDS = 10;

    private Acknowledged() {
    }

    /**
     * @param what what was sent, for the message of the exception
     * @throws IllegalStateException when the broker did not acknowledge in time
     */
    public static void await(CompletableFuture<?> send, String what) {
        try {
            send.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(what + " was not acknowledged by Kafka", e);
        }
    }
}
