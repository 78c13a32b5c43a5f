package io.autotopup.devstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JVM the stack starts, whose output is streamed with a name in front of every line. */
public final class ChildProcess implements AutoCloseable {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final String name;
    private final Process process;

    private ChildProcess(String name, Process process, PrintStream out) {
        this.name = name;
        this.process = process;
        Thread pump = new Thread(() -> pump(process, name, out), name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code java <jvmArguments...>} with extra environment variables. */
    public static ChildProcess java(String name, List<String> jvmArguments, Map<String, String> environment, PrintStream out) {
        List<String> command = new java.util.ArrayList<>();
        command.add(JAVA);
        command.addAll(jvmArguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            return new ChildProcess(name, builder.start(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    /** Runs {@code java <jvmArguments...>} to the end and returns its exit code. */
    public static int runToEnd(String name, List<String> jvmArguments, PrintStream out) throws InterruptedException {
        ChildProcess child = java(name, jvmArguments, Map.of(), out);
        return child.process.waitFor();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    /** Kills the process at once (SIGKILL, as {@code kill -9}): no shutdown hook, no clean close. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to end; its exit code. */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    private static void pump(Process process, String name, PrintStream out) {
        String prefix = String.format("%-13s| ", name);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.println(prefix + line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /**
     * Closes processes together: asks every one to stop first, then waits for each, so that they shut down side by side
     * rather than one after another.
     */
    public static void closeAll(List<ChildProcess> children) {
        children.forEach(child -> child.process.destroy());
        children.forEach(ChildProcess::close);
    }

    /** Asks the process to stop (SIGTERM: a graceful shutdown) and waits; kills it if it will not. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
