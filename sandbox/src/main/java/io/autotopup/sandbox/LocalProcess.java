package io.autotopup.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What the sandbox's servers that run in JVMs of their own (S3Proxy, the schema registry) share: ports, start, stop. */
public final class LocalProcess {

    private LocalProcess() {
    }

    /** A port free on this machine now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns once {@code url} answers (with 200 if {@code needsOk}, with anything otherwise); stops the process and
     * throws if it exits first or does not answer within {@code patience}.
     */
    public static void awaitAnswering(Process process, String what, URI url, boolean needsOk, Duration patience, Duration stopWithin) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " stopped at start (exit " + process.exitValue() + ")");
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(2000);
                int status = connection.getResponseCode();
                connection.disconnect();
                if (!needsOk || status == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop(process, stopWithin);
        throw new IllegalStateException(what + " did not answer within " + patience);
    }

    /** Asks the process to stop, and kills it if it has not within {@code patience}. */
    public static void stop(Process process, Duration patience) {
        process.destroy();
        try {
            if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
