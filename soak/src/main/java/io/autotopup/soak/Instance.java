package io.autotopup.soak;

import io.autotopup.devstack.ChildProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * One service instance in a JVM of its own, started again with the same arguments, port and state directory after it
 * is killed, as Kubernetes restarts a pod on its volume.
 */
final class Instance {

    private final String name;
    private final String module;
    private final int port;
    private final List<String> arguments;
    private final Map<String, String> environment;
    private final PrintStream log;
    private ChildProcess process;
    private ChildProcess paused;
    private int generation;
    private boolean stopped;

    Instance(String name, String module, int port, List<String> arguments, Map<String, String> environment, PrintStream log) {
        this.name = name;
        this.module = module;
        this.port = port;
        this.arguments = List.copyOf(arguments);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    String name() {
        return name;
    }

    String module() {
        return module;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the instance's JVM, unless it is running already (a fault and the liveness probe may both restart it). */
    synchronized void start() {
        if (stopped || alive()) {
            return;
        }
        process = ChildProcess.java(name, arguments, environment, log);
        generation++;
    }

    /** How many times the instance has been started: a probe's count of failures belongs to one generation. */
    synchronized int generation() {
        return generation;
    }

    /**
     * What the kubelet does when the liveness probe fails: {@code kill -9} and start again, unless something else
     * restarted the instance since {@code seenGeneration}; true if it restarted it.
     */
    synchronized boolean restart(int seenGeneration) throws InterruptedException {
        if (stopped || generation != seenGeneration) {
            return false;
        }
        if (alive()) {
            process.kill();
        }
        start();
        return true;
    }

    synchronized boolean alive() {
        return process != null && process.alive();
    }

    synchronized long pid() {
        return process.pid();
    }

    /** {@code kill -9}: no shutdown hook, no clean close of its producers or its state. */
    synchronized void kill() throws InterruptedException {
        process.kill();
    }

    /** {@code SIGSTOP}: the JVM freezes, its sessions expire and it is fenced; {@link #resume()} thaws it. */
    synchronized void pause() {
        paused = process;
        signal("STOP");
    }

    /** {@code SIGCONT}, unless the frozen JVM was killed meanwhile (by its liveness probe) and another one started. */
    synchronized void resume() {
        if (paused == process && process.alive()) {
            signal("CONT");
        }
        paused = null;
    }

    /**
     * Stops instances for good, side by side: neither a fault nor a probe starts them again. A frozen one is thawed
     * first, so that it can shut down.
     */
    static void stopAll(List<Instance> instances) {
        List<ChildProcess> running = new java.util.ArrayList<>();
        for (Instance instance : instances) {
            synchronized (instance) {
                instance.stopped = true;
                if (instance.alive()) {
                    try {
                        instance.resume();
                    } catch (RuntimeException ended) {
                        // it ended meanwhile
                    }
                    running.add(instance.process);
                }
            }
        }
        ChildProcess.closeAll(running);
    }

    private void signal(String signal) {
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
