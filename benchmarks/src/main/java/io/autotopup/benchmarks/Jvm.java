package io.autotopup.benchmarks;

import io.autotopup.devstack.ChildProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Child JVMs of the suite, each with its output in a log file of its own. */
final class Jvm {

    /**
     * The services' environment, as in their image: glibc's malloc keeps at most two arenas, not eight per core,
     * which RocksDB's many native threads would otherwise each fill (a known source of RSS growth).
     */
    static final Map<String, String> SERVICE_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");
    /** payment-service's argument with the key that seals payment tokens; the bulk import seals with {@link #PAYMENT_TOKENS}. */
    static final String PAYMENT_TOKEN_KEYS = "--autotopup.payment.token-keys=benchmark:" + java.util.Base64.getEncoder()
            .encodeToString("benchmark-payment-token-key-32b!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    static final io.autotopup.platform.security.PaymentTokens PAYMENT_TOKENS = new io.autotopup.platform.security.PaymentTokens(
            io.autotopup.platform.security.EnvelopeCipher.configured("benchmarks",
                    PAYMENT_TOKEN_KEYS.substring(PAYMENT_TOKEN_KEYS.indexOf('=') + 1), null));


    private final Path logs;

    Jvm(Path logs) throws IOException {
        this.logs = Files.createDirectories(logs);
    }

    ChildProcess start(String name, List<String> arguments, Map<String, String> environment) throws IOException {
        return ChildProcess.java(name, arguments, environment, log(name));
    }

    /** Runs a JVM to its end; its output, and fails if it did not exit 0. */
    String run(String name, List<String> arguments) throws IOException, InterruptedException {
        Path file = logs.resolve(name + ".log");
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
            int exit = ChildProcess.runToEnd(name, arguments, out);
            out.flush();
            if (exit != 0) {
                throw new IllegalStateException(name + " exited with " + exit + "; see " + file);
            }
        }
        return Files.readString(file);
    }

    PrintStream log(String name) throws IOException {
        return new PrintStream(Files.newOutputStream(logs.resolve(name + ".log")), true, StandardCharsets.UTF_8);
    }

    /** The class path of this JVM (the suite's jar and target/lib/*), which holds Kafka's broker and tools. */
    static String classpath() {
        return System.getProperty("java.class.path");
    }

    static List<String> args(String... arguments) {
        return new ArrayList<>(List.of(arguments));
    }
}
