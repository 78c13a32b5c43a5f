package io.autotopup.soak;

import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.topupctl.stack.StackClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Faults on a seeded schedule, one after another while the feed runs, each logged with its time and how long the
 * system took to have the failed part back: {@code kill -9} of a service instance (some timed inside a charge, while the
 * gateway holds its answer), SIGSTOP long enough for the instance to be fenced, {@code kill -9} of a Kafka node (the
 * controller among them), gateway 500s, time-outs and connections dropped after the charge, SMS centre outages and
 * throttling.
 */
final class Faults {

    enum Kind {
        KILL_SERVICE, KILL_SERVICE_IN_CHARGE, PAUSE_SERVICE, KILL_BROKER, KILL_CONTROLLER, GATEWAY_ERRORS, GATEWAY_DROPS,
        GATEWAY_TIMEOUTS, SMSC_DOWN, SMSC_THROTTLE
    }

    /** One fault: when (ms since the soak started), what, on which target, and how long until that part was back. */
    record Fault(long atMs, Kind kind, String target, long recoveredMs) {
    }

    private final Stack stack;
    private final Random random;
    private final Duration interval;
    private final Duration pause;
    private final PrintStream out;
    private final long startedNanos;
    private final List<Kind> order;
    final List<Fault> injected = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * @param interval the gap between one fault's end and the next fault
     * @param pause    how long a SIGSTOPped instance stays frozen (beyond the transaction timeout, 10 s, to be fenced)
     * @param order    the kinds in turn; empty: each drawn from the seed
     */
    Faults(Stack stack, long seed, Duration interval, Duration pause, List<Kind> order, long startedNanos, PrintStream out) {
        this.order = List.copyOf(order);
        this.stack = stack;
        this.random = new Random(seed ^ 0x5eed);
        this.interval = interval;
        this.pause = pause;
        this.startedNanos = startedNanos;
        this.out = out;
    }

    /** Injects faults until {@code until} (System.nanoTime); every part is running again when it returns. */
    void run(long until) throws Exception {
        while (System.nanoTime() + interval.toNanos() < until) {
            Thread.sleep(interval.toMillis());
            inject(pick());
        }
    }

    private Kind pick() {
        if (!order.isEmpty()) {
            return order.get(injected.size() % order.size());
        }
        double dice = random.nextDouble();
        if (dice < 0.35) {
            return Kind.KILL_SERVICE;
        } else if (dice < 0.50) {
            return Kind.KILL_SERVICE_IN_CHARGE;
        } else if (dice < 0.57) {
            return Kind.PAUSE_SERVICE;
        } else if (dice < 0.67) {
            return Kind.KILL_BROKER;
        } else if (dice < 0.72) {
            return Kind.KILL_CONTROLLER;
        } else if (dice < 0.79) {
            return Kind.GATEWAY_ERRORS;
        } else if (dice < 0.85) {
            return Kind.GATEWAY_DROPS;
        } else if (dice < 0.90) {
            return Kind.GATEWAY_TIMEOUTS;
        } else if (dice < 0.95) {
            return Kind.SMSC_DOWN;
        }
        return Kind.SMSC_THROTTLE;
    }

    void inject(Kind kind) throws Exception {
        long at = elapsedMs();
        String target;
        long recovered;
        switch (kind) {
            case KILL_SERVICE -> {
                Instance victim = stack.instances.get(random.nextInt(stack.instances.size()));
                target = victim.name();
                victim.kill();
                long down = System.nanoTime();
                Thread.sleep(1_000 + random.nextInt(5_000));
                recovered = restart(victim, down);
            }
            case KILL_SERVICE_IN_CHARGE -> {
                // the gateway makes charges and holds the answer: a payment-service instance dies between charge and answer
                List<Instance> payments = stack.instances.stream().filter(i -> i.module().equals("payment-service")).toList();
                Instance victim = payments.get(random.nextInt(payments.size()));
                target = victim.name() + " (gateway answering after 3 s)";
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false, 0, 3_000));
                Thread.sleep(1_500 + random.nextInt(1_000));
                victim.kill();
                long down = System.nanoTime();
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false));
                Thread.sleep(1_000 + random.nextInt(3_000));
                recovered = restart(victim, down);
            }
            case PAUSE_SERVICE -> {
                Instance victim = stack.instances.get(random.nextInt(stack.instances.size()));
                target = victim.name() + " (" + pause.toSeconds() + " s)";
                victim.pause();
                long down = System.nanoTime();
                Thread.sleep(pause.toMillis());
                victim.resume();
                recovered = awaitHealthy(victim, down);
            }
            case KILL_BROKER, KILL_CONTROLLER -> {
                int node = kind == Kind.KILL_CONTROLLER ? stack.brokers.controller() : random.nextInt(stack.brokers.size());
                if (node < 0) {
                    node = random.nextInt(stack.brokers.size());
                }
                target = "kafka-" + (node + 1);
                stack.brokers.kill(node);
                long down = System.nanoTime();
                Thread.sleep(3_000 + random.nextInt(7_000));
                stack.brokers.restart(node, Duration.ofMinutes(3));
                recovered = elapsedSince(down);
            }
            case GATEWAY_ERRORS -> {
                target = "gateway: the next 5 charges answer 500";
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false, 5));
                recovered = 0;
            }
            case GATEWAY_DROPS -> {
                target = "gateway: the next 3 charges are made, then the connection is dropped";
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false, 0, 0, 3));
                recovered = 0;
            }
            case GATEWAY_TIMEOUTS -> {
                target = "gateway: charges answered after 12 s for 20 s";
                long down = System.nanoTime();
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false, 0, 12_000));
                Thread.sleep(20_000);
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false));
                recovered = elapsedSince(down);
            }
            case SMSC_DOWN -> {
                target = "SMS centre refuses sessions for 10 s";
                long down = System.nanoTime();
                stack.smsc.setDown(true);
                Thread.sleep(10_000);
                stack.smsc.setDown(false);
                recovered = elapsedSince(down);
            }
            case SMSC_THROTTLE -> {
                target = "SMS centre throttles the next 20 submits";
                stack.smsc.throttleNext(20);
                recovered = 0;
            }
            default -> throw new IllegalStateException(kind.name());
        }
        Fault fault = new Fault(at, kind, target, recovered);
        injected.add(fault);
        out.printf("soak | %7.1f s  fault %-22s %s; back after %.1f s%n", at / 1000.0, kind, target, recovered / 1000.0);
    }

    private long restart(Instance victim, long downNanos) {
        victim.start();
        return awaitHealthy(victim, downNanos);
    }

    private long awaitHealthy(Instance victim, long downNanos) {
        try (StackClient client = stack.client()) {
            client.awaitHealthy(victim.url(), Duration.ofMinutes(5));
        }
        return elapsedSince(downNanos);
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    private static long elapsedSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
