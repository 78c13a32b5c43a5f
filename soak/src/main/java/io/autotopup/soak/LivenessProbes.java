package io.autotopup.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet's part: every instance's liveness endpoint is asked every {@code period}, as the manifests'
 * {@code livenessProbe} does, and an instance that answers anything but 200 {@code failureThreshold} times in a row is
 * killed and started again. Only once it has answered 200 since it was last started, as Kubernetes' startup probe
 * holds the liveness probe back until then. An instance that stays DOWN (Kafka Streams or a listener failed for good)
 * is therefore restarted in the soak as it would be in production, and each such restart is part of the report.
 */
final class LivenessProbes implements AutoCloseable {

    /** An instance restarted because its liveness probe failed. */
    record Restart(long atMs, String instance, String lastAnswer) {
    }

    /** Kubernetes' default is 1 s; the soak's machine runs at a load far above its cores, so an answer may take longer. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    private final List<Instance> instances;
    private final Duration period;
    private final int failureThreshold;
    private final long startedNanos;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();
    private final Map<String, Probe> probes = new HashMap<>();
    final List<Restart> restarts = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;
    private final Thread thread;

    LivenessProbes(List<Instance> instances, Duration period, int failureThreshold, long startedNanos, PrintStream out) {
        this.instances = List.copyOf(instances);
        this.period = period;
        this.failureThreshold = failureThreshold;
        this.startedNanos = startedNanos;
        this.out = out;
        this.thread = new Thread(this::run, "soak-liveness-probes");
        this.thread.setDaemon(true);
    }

    /** As the manifests: every 10 s, restarted after 3 failures in a row. */
    static LivenessProbes asDeployed(List<Instance> instances, long startedNanos, PrintStream out) {
        return new LivenessProbes(instances, Duration.ofSeconds(10), 3, startedNanos, out);
    }

    LivenessProbes start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            for (Instance instance : instances) {
                try {
                    probe(instance);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    out.println("soak | liveness probe of " + instance.name() + " failed to run: " + e);
                }
            }
            try {
                Thread.sleep(period.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void probe(Instance instance) throws InterruptedException {
        int generation = instance.generation();
        Probe probe = probes.computeIfAbsent(instance.name(), name -> new Probe());
        if (probe.generation != generation) {
            probe.generation = generation;
            probe.started = false;
            probe.failures = 0;
        }
        String answer = ask(instance);
        if ("200".equals(answer)) {
            probe.started = true;
            probe.failures = 0;
            return;
        }
        if (!probe.started) {
            return; // still starting: the startup probe's time
        }
        probe.failures++;
        if (probe.failures >= failureThreshold && instance.restart(generation)) {
            long at = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
            restarts.add(new Restart(at, instance.name(), answer));
            out.printf("soak | %s failed its liveness probe %d times in a row (last: %s); killed and started again%n",
                    instance.name(), probe.failures, answer);
        }
    }

    /** The liveness endpoint's status code, or what kept it from answering. */
    private String ask(Instance instance) throws InterruptedException {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(instance.url() + "/actuator/health/liveness"))
                    .timeout(ANSWER_WITHIN).GET().build(), HttpResponse.BodyHandlers.discarding());
            return Integer.toString(response.statusCode());
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    private static final class Probe {
        int generation = -1;
        boolean started;
        int failures;
    }
}
