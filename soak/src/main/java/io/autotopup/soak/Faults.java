package io.autotopup.soak;

import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.topupctl.stack.StackClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        /** {@code kill -9} of any instance, also one still coming back from the last fault (a crash loop). */
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
    /** The instances hit by a fault that do not answer UP yet, with how many of those faults are being watched. */
    private final Map<String, Integer> recovering = new HashMap<>();
    private int picked;

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

    /**
     * Injects faults until {@code until} (System.nanoTime). A killed or frozen instance is started or thawed again at
     * once, and how long it takes to answer UP again is watched on the side, so that the next fault does not wait for
     * it (production does not either); an instance still coming back is not chosen again meanwhile. Goes on past
     * {@code until} until it has started {@code atLeast} faults: a Kafka node holds the schedule until it is back, which
     * takes longer on a slower machine.
     */
    void run(long until, int atLeast) throws Exception {
        for (int started = 0; started < atLeast || System.nanoTime() + interval.toNanos() - until < 0; started++) {
            Thread.sleep(interval.toMillis());
            inject(pick());
        }
    }

    /** Waits until every instance hit by a fault answers UP again. */
    void awaitRecovered(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (recovering) {
            while (!recovering.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IllegalStateException(recovering + " did not come back within " + patience);
                }
                recovering.wait(left);
            }
        }
    }

    private Kind pick() {
        if (!order.isEmpty()) {
            return order.get(picked++ % order.size());
        }
        double dice = random.nextDouble();
        // mostly instances killed: the run needs at least 100 of them and 10 of Kafka nodes. A node kill holds
        // the schedule until the node is back (a minute or more under load), so nodes are drawn less often.
        if (dice < 0.50) {
            return Kind.KILL_SERVICE;
        } else if (dice < 0.70) {
            return Kind.KILL_SERVICE_IN_CHARGE;
        } else if (dice < 0.76) {
            return Kind.PAUSE_SERVICE;
        } else if (dice < 0.81) {
            return Kind.KILL_BROKER;
        } else if (dice < 0.84) {
            return Kind.KILL_CONTROLLER;
        } else if (dice < 0.90) {
            return Kind.GATEWAY_ERRORS;
        } else if (dice < 0.94) {
            return Kind.GATEWAY_DROPS;
        } else if (dice < 0.96) {
            return Kind.GATEWAY_TIMEOUTS;
        } else if (dice < 0.98) {
            return Kind.SMSC_DOWN;
        }
        return Kind.SMSC_THROTTLE;
    }

    void inject(Kind kind) throws Exception {
        long at = elapsedMs();
        switch (kind) {
            case KILL_SERVICE -> {
                Instance victim = victim(null, true);
                if (victim == null) {
                    inject(Kind.GATEWAY_ERRORS);
                    return;
                }
                victim.kill();
                long down = System.nanoTime();
                Thread.sleep(1_000 + random.nextInt(5_000));
                victim.start();
                watch(at, kind, victim, victim.name(), down);
            }
            case KILL_SERVICE_IN_CHARGE -> {
                // the gateway makes charges and holds the answer: a payment-service instance dies between charge and answer
                Instance victim = victim("payment-service", false);
                if (victim == null) {
                    // both payment-service instances are coming back: kill another part instead, a kill all the same
                    inject(Kind.KILL_SERVICE);
                    return;
                }
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false, 0, 3_000));
                Thread.sleep(1_500 + random.nextInt(1_000));
                victim.kill();
                long down = System.nanoTime();
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false));
                Thread.sleep(1_000 + random.nextInt(3_000));
                victim.start();
                watch(at, kind, victim, victim.name() + " (gateway answering after 3 s)", down);
            }
            case PAUSE_SERVICE -> {
                Instance victim = victim(null, false);
                if (victim == null) {
                    inject(Kind.SMSC_THROTTLE);
                    return;
                }
                victim.pause();
                long down = System.nanoTime();
                Thread.sleep(pause.toMillis());
                victim.resume();
                watch(at, kind, victim, victim.name() + " (" + pause.toSeconds() + " s)", down);
            }
            case KILL_BROKER, KILL_CONTROLLER -> {
                int node = kind == Kind.KILL_CONTROLLER ? stack.brokers.controller() : random.nextInt(stack.brokers.size());
                if (node < 0) {
                    node = random.nextInt(stack.brokers.size());
                }
                stack.brokers.kill(node);
                long down = System.nanoTime();
                Thread.sleep(3_000 + random.nextInt(7_000));
                // one node at a time: the next fault waits until this one is back among the brokers
                stack.brokers.restart(node, Duration.ofMinutes(3));
                record(at, kind, "kafka-" + (node + 1), elapsedSince(down));
            }
            case GATEWAY_ERRORS -> {
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false, 5));
                record(at, kind, "gateway: the next 5 charges answer 500", 0);
            }
            case GATEWAY_DROPS -> {
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false, 0, 0, 3));
                record(at, kind, "gateway: the next 3 charges are made, then the connection is dropped", 0);
            }
            case GATEWAY_TIMEOUTS -> {
                long down = System.nanoTime();
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false, 0, 12_000));
                Thread.sleep(20_000);
                stack.gateway.setFaults(new SandboxGateway.Faults(20, false));
                record(at, kind, "gateway: charges answered after 12 s for 20 s", elapsedSince(down));
            }
            case SMSC_DOWN -> {
                long down = System.nanoTime();
                stack.smsc.setDown(true);
                Thread.sleep(10_000);
                stack.smsc.setDown(false);
                record(at, kind, "SMS centre refuses sessions for 10 s", elapsedSince(down));
            }
            case SMSC_THROTTLE -> {
                stack.smsc.throttleNext(20);
                record(at, kind, "SMS centre throttles the next 20 submits", 0);
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    /**
     * An instance of {@code module} (any, if null), not one still coming back from a fault unless {@code evenIfRecovering}
     * (a pod that crashes again while it starts); null if there is none.
     */
    private Instance victim(String module, boolean evenIfRecovering) {
        synchronized (recovering) {
            List<Instance> candidates = stack.instances.stream()
                    .filter(instance -> module == null || instance.module().equals(module))
                    .filter(instance -> evenIfRecovering || !recovering.containsKey(instance.name())).toList();
            if (candidates.isEmpty()) {
                return null;
            }
            Instance victim = candidates.get(random.nextInt(candidates.size()));
            recovering.merge(victim.name(), 1, Integer::sum);
            return victim;
        }
    }

    /** Watches on the side until the instance answers UP, then records the fault with that time. */
    private void watch(long at, Kind kind, Instance victim, String target, long downNanos) {
        Thread watcher = new Thread(() -> {
            long recovered = -1;
            try (StackClient client = stack.client()) {
                client.awaitHealthy(victim.url(), Duration.ofMinutes(5));
                recovered = elapsedSince(downNanos);
            } catch (RuntimeException notBack) {
                out.println("soak | " + victim.name() + " did not come back: " + notBack.getMessage());
            } finally {
                record(at, kind, target, recovered);
                synchronized (recovering) {
                    recovering.computeIfPresent(victim.name(), (name, watched) -> watched == 1 ? null : watched - 1);
                    recovering.notifyAll();
                }
            }
        }, "soak-recovery-" + victim.name());
        watcher.setDaemon(true);
        watcher.start();
    }

    private void record(long at, Kind kind, String target, long recoveredMs) {
        injected.add(new Fault(at, kind, target, recoveredMs));
        out.printf("soak | fault at %7.1f s: %-22s %s; back after %.1f s%n", at / 1000.0, kind, target, recoveredMs / 1000.0);
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    private static long elapsedSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
