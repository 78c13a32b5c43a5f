package io.autotopup.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.autotopup.devstack.ConsumerLag;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.topupctl.stack.StackClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.common.GroupState;

/**
 * The fault soak ({@code ./soak.sh}, docs/reliability.md): the whole system on three Kafka nodes under a carrier's
 * feed, faults on a seeded schedule the whole time, then the {@link Checker}'s count of every promise kept or
 * broken, written as a report with the JSON of the run and a plot of consumer lag with the faults marked.
 */
public final class Soak {

    /**
     * @param faultEvery the gap between one fault's end and the next
     * @param pause      how long a SIGSTOPped instance stays frozen
     * @param faultOrder the kinds of fault in turn (targets still drawn from the seed); empty: kinds drawn too
     * @param jvmOptions what every Kafka node's and service instance's JVM is given beyond its heap and collector
     * @param unknownNumberGrace how long balance-service holds usage for a number nobody registered before it is
     *                           dead-lettered ({@code autotopup.balance.unknown-msisdn-grace}; the soak waits that long
     *                           after the feed stops, so that the last of it is in the dead letters before the check)
     */
    /**
     * @param minutes   how long the feed runs at least
     * @param minFaults the schedule goes on past {@code minutes} until it has started this many faults, and the feed with
     *                  it, so that a slow machine (a Kafka node can take half a minute to come back) still sees them all
     */
    public record Options(double minutes, int subscribers, double rate, long seed, int brokers, Duration faultEvery,
            Duration pause, List<Faults.Kind> faultOrder, int minFaults, List<String> jvmOptions, Duration unknownNumberGrace,
            Path output) {

        static Options parse(String[] args, Path root) {
            double minutes = 30;
            int subscribers = 10_000;
            double rate = 600;
            long seed = System.currentTimeMillis();
            Duration every = Duration.ofSeconds(12);
            Duration pause = Duration.ofSeconds(20);
            Path output = root.resolve("docs").resolve("reliability");
            List<String> jvmOptions = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--minutes" -> minutes = Double.parseDouble(args[++i]);
                    case "--subscribers" -> subscribers = Integer.parseInt(args[++i]);
                    case "--rate" -> rate = Double.parseDouble(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--fault-every" -> every = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--pause" -> pause = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--output" -> output = Path.of(args[++i]);
                    case "--jvm-option" -> jvmOptions.add(args[++i]);
                    default -> throw new IllegalArgumentException("Unknown option " + args[i] + "; see ./soak.sh --help");
                }
            }
            return new Options(minutes, subscribers, rate, seed, 3, every, pause, List.of(), 0, List.copyOf(jvmOptions),
                    Duration.ofSeconds(30), output);
        }
    }

    /** What a run found: the checker's verdict, the faults, the instances their liveness probe restarted, the feed's counts. */
    public record Outcome(Checker.Verdict verdict, List<Faults.Fault> faults, List<LivenessProbes.Restart> probeRestarts,
            Map<String, Object> feed, Path work) {

        public long moneyViolations() {
            return verdict.moneyViolations();
        }
    }

    /** No fault in the feed's last quarter-minute: the system recovers from the last one under load. */
    private static final long QUIET_TAIL_NANOS = TimeUnit.SECONDS.toNanos(15);

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("autotopup.home", ".")).toAbsolutePath().normalize();
        Options options = Options.parse(args, root);
        Outcome outcome = run(root, options, System.out);
        System.exit(outcome.moneyViolations() == 0 ? 0 : 1);
    }

    public static Outcome run(Path root, Options options, PrintStream plain) throws Exception {
        PrintStream out = Clock.stamped(plain);
        Path work = Files.createTempDirectory("autotopup-soak");
        out.printf("soak | seed %d: %,d subscribers, %,.0f usage events/s for %.1f min, a fault every %d s; work in %s%n",
                options.seed(), options.subscribers(), options.rate(), options.minutes(), options.faultEvery().toSeconds(), work);
        try (Stack stack = Stack.start(root, work, options, out)) {
            Feed feed = new Feed(options.subscribers(), options.seed(), out);
            feed.register(stack);
            stack.startServices(root, work, options);
            stack.gateway.setFaults(new SandboxGateway.Faults(20, false));
            stack.awaitHealthy(Duration.ofMinutes(5));
            out.println("soak | every instance is up");
            try (StackClient client = stack.client()) {
                feed.prepare(stack, client);
            }
            out.printf("soak | %,d subscribers registered, cards bound, rules set; the feed and the faults begin%n", options.subscribers());

            long started = System.nanoTime();
            Instant startedAt = Instant.now().minusSeconds(1);
            long until = started + (long) (options.minutes() * 60e9);
            // from here on, as on Kubernetes, an instance whose liveness stays DOWN is restarted (stopping the stack ends it)
            LivenessProbes probes = LivenessProbes.asDeployed(stack.instances, started, out).start();
            Faults faults = new Faults(stack, options.seed(), options.faultEvery(), options.pause(), options.faultOrder(), started, out);
            List<LagPlot.Sample> lag = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean done = new AtomicBoolean();
            Thread sampler = new Thread(() -> sampleLag(stack.brokers.bootstrap(), started, lag, done), "soak-lag");
            sampler.setDaemon(true);
            sampler.start();
            AtomicLong scheduleEnded = new AtomicLong();
            Thread faulting = new Thread(() -> {
                try {
                    faults.run(until - QUIET_TAIL_NANOS, options.minFaults());
                } catch (Exception e) {
                    out.println("soak | the fault schedule stopped: " + e);
                } finally {
                    scheduleEnded.set(System.nanoTime());
                }
            }, "soak-faults");
            faulting.start();
            // until the planned end, and a quiet quarter-minute after the schedule's last fault if that comes later
            feed.drive(stack.brokers.bootstrap(), options.rate(), Long.MAX_VALUE, () -> {
                long now = System.nanoTime();
                long ended = scheduleEnded.get();
                return now - until >= 0 && ended != 0 && now - ended >= QUIET_TAIL_NANOS;
            });
            long fed = System.nanoTime();
            faulting.join();
            faults.awaitRecovered(Duration.ofMinutes(5));
            out.printf("soak | the feed stopped after %,d records (%,d poison, %,d unknown numbers, %,d redelivered); %d faults%n",
                    feed.sent.get(), feed.poison.get(), feed.unknown.get(), feed.redelivered.get(), faults.injected.size());

            // everything back as it was before the checker reads
            stack.gateway.setFaults(new SandboxGateway.Faults(20, false));
            stack.smsc.setDown(false);
            stack.awaitHealthy(Duration.ofMinutes(5));
            // until every consumer group has caught up (what a long run left behind takes longer than the run itself), and
            // not before the last usage of an unknown number has waited out its grace and been dead-lettered
            settle(stack.brokers.bootstrap(), fed + options.unknownNumberGrace().plusSeconds(1).toNanos(),
                    Duration.ofMinutes(Math.max(15, Math.round(2 * options.minutes()))), out);
            long settled = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fed);
            done.set(true);
            out.printf("soak | settled %.1f s after the feed stopped; checking%n", settled / 1000.0);

            Checker.Verdict verdict;
            try (StackClient client = stack.client()) {
                verdict = new Checker(stack.brokers.bootstrap()).check(stack.gateway::charges, stack.smsc::inbox,
                        id -> balanceOf(client, stack.issuer, id), below -> armedBelow(client, stack.issuer, below));
            }
            verdict = Checker.withReconciliation(verdict, reconcile(stack, startedAt));
            if (verdict.violations() > 0) {
                // what each instance was doing when the promises were found broken, beside its log
                dumpThreads(stack.instances, work.resolve("logs"), out);
            }
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("seconds the feed ran", TimeUnit.NANOSECONDS.toSeconds(fed - started));
            counts.put("records sent", feed.sent.get());
            counts.put("poison", feed.poison.get());
            counts.put("unknown numbers", feed.unknown.get());
            counts.put("redelivered", feed.redelivered.get());
            counts.put("sends that failed at the producer", feed.failedSends.get());
            counts.put("seconds from the feed's end until every consumer group had caught up", settled / 1000);
            List<Faults.Fault> injected = new ArrayList<>(faults.injected);
            injected.sort(java.util.Comparator.comparingLong(Faults.Fault::atMs));
            probes.close();
            counts.put("instances restarted by their liveness probe", probes.restarts.size());
            Outcome outcome = new Outcome(verdict, List.copyOf(injected), List.copyOf(probes.restarts), counts, work);
            write(options, outcome, List.copyOf(lag), out);
            out.println("soak | the brokers' data and every instance's log are in " + work);
            return outcome;
        }
    }

    /** Writes each running instance's threads ({@code jcmd Thread.print}) to {@code <name>-threads.txt}. */
    private static void dumpThreads(List<Instance> instances, Path logs, PrintStream out) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        for (Instance instance : instances) {
            if (!instance.alive()) {
                continue;
            }
            try {
                Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(instance.pid()), "Thread.print")
                        .redirectErrorStream(true).redirectOutput(logs.resolve(instance.name() + "-threads.txt").toFile()).start();
                if (!dump.waitFor(30, TimeUnit.SECONDS)) {
                    dump.destroyForcibly();
                }
            } catch (IOException | RuntimeException e) {
                out.println("soak | no thread dump of " + instance.name() + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        out.println("soak | the instances' threads are in " + logs + " (*-threads.txt)");
    }

    /** Deletes a run's work directory (the brokers' data, the instances' state and logs). */
    public static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temporary directory: the system clears it in the end
        }
    }

    /**
     * payment-service's reconciliation over the whole run, as an operator would run it: after the checks, so that it
     * cannot repair what the checker is to find; anything it finds (repaired or not) is a broken promise.
     */
    private static com.fasterxml.jackson.databind.JsonNode reconcile(Stack stack, Instant from) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(stack.first("payment-service").url() + "/v1/reconciliations"))
                .timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + stack.issuer.machineToken("soak",
                        io.autotopup.platform.security.Scopes.PAYMENTS_RECONCILE))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"from\":\"" + from + "\",\"to\":\""
                        + Instant.now() + "\"}")).build();
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(request,
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("reconciliation answered " + answer.statusCode() + ": " + answer.body());
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body());
    }

    private static Long balanceOf(StackClient client, io.autotopup.platform.testing.TestIssuer issuer, String subscriberId) {
        client.useToken(subscriberId, issuer.subscriberToken(subscriberId));
        StackClient.Answer answer = client.balance(subscriberId);
        if (answer.status() != 200) {
            return null;
        }
        return Long.parseLong(answer.body().path("balance").path("amount").asText().replace(",", ""));
    }

    private static List<String> armedBelow(StackClient client, io.autotopup.platform.testing.TestIssuer issuer, Set<String> below) {
        List<String> stranded = new ArrayList<>();
        for (String id : below) {
            client.useToken(id, issuer.subscriberToken(id));
            StackClient.Answer rule = client.autoTopUpRule(id);
            if (rule.status() == 200 && "ARMED".equals(rule.body().path("state").asText())) {
                stranded.add(id + " is below the threshold with an armed rule and no top-up in flight");
            }
        }
        return stranded;
    }

    /** Samples every consumer group's lag each second until {@code done}. */
    private static void sampleLag(String bootstrap, long started, List<LagPlot.Sample> samples, AtomicBoolean done) {
        try (ConsumerLag lag = new ConsumerLag(bootstrap)) {
            while (!done.get()) {
                try {
                    samples.add(new LagPlot.Sample(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), lag.byGroup()));
                } catch (Exception brokerAway) {
                    // a node is down: the next sample will do
                }
                Thread.sleep(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until every consumer group has read every committed record of its topics and none is rebalancing, twice
     * running, two seconds apart; returns how long that took. (Counting lag is not enough: a partition can end with
     * transaction markers and aborted records that no consumer ever commits past, and a group that a dead member
     * holds in a rebalance stays still at a small lag as if it were done, as one run of the suite's soak found.)
     */
    static long settle(String bootstrap, Duration patience, PrintStream out) throws Exception {
        return settle(bootstrap, System.nanoTime(), patience, out);
    }

    /** As {@link #settle(String, Duration, PrintStream)}, counting only what it sees from {@code notBefore} (System.nanoTime) on. */
    static long settle(String bootstrap, long notBefore, Duration patience, PrintStream out) throws Exception {
        long started = System.nanoTime();
        int quiet = 0;
        String last = "not asked yet";
        long told = started;
        try (ConsumerLag lag = new ConsumerLag(bootstrap)) {
            while (quiet < 2) {
                if (System.nanoTime() - started > patience.toNanos()) {
                    out.println("soak | not settled within " + patience + ": " + last);
                    break;
                }
                Thread.sleep(2_000);
                boolean caughtUp = false;
                try {
                    Map<String, GroupState> rebalancing = lag.rebalancing();
                    Map<String, Long> behind = lag.byGroup();
                    if (!rebalancing.isEmpty()) {
                        last = "rebalancing " + rebalancing;
                    } else if (behind.values().stream().anyMatch(records -> records > 5_000)) {
                        last = "behind " + behind;
                    } else {
                        Map<String, Long> unread = lag.unread();
                        caughtUp = unread.isEmpty();
                        last = caughtUp ? "caught up" : "committed records not read yet " + unread;
                    }
                } catch (Exception notYet) {
                    last = notYet.toString();
                }
                quiet = caughtUp && System.nanoTime() >= notBefore ? quiet + 1 : 0;
                if (!caughtUp && System.nanoTime() - told > TimeUnit.SECONDS.toNanos(10)) {
                    // what the wait is waiting for, every ten seconds
                    out.printf("soak | settling for %.0f s: %s%n", (System.nanoTime() - started) / 1e9, last);
                    told = System.nanoTime();
                }
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    private static void write(Options options, Outcome outcome, List<LagPlot.Sample> lag, PrintStream out) throws IOException {
        Path dir = Files.createDirectories(options.output());
        String name = "soak-" + Instant.now().toString().replace(":", "").replaceAll("\\..*", "");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("options", Map.of("minutes", options.minutes(), "subscribers", options.subscribers(), "rate", options.rate(),
                "seed", options.seed(), "brokers", options.brokers(), "faultEverySeconds", options.faultEvery().toSeconds(),
                "pauseSeconds", options.pause().toSeconds(), "jvmOptions", options.jvmOptions(),
                "unknownNumberGraceSeconds", options.unknownNumberGrace().toSeconds()));
        json.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.version")));
        json.put("feed", outcome.feed());
        json.put("counts", new java.util.TreeMap<>(outcome.verdict().counts()));
        json.put("invariants", outcome.verdict().invariants());
        json.put("faults", outcome.faults());
        json.put("recovery", recovery(outcome.faults()));
        json.put("livenessRestarts", outcome.probeRestarts());
        json.put("lag", lag);
        new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve(name + ".json").toFile(), json);
        LagPlot.write(lag, outcome.faults(), dir.resolve(name + "-lag.png"));

        StringBuilder md = new StringBuilder();
        md.append("# Soak run ").append(name).append("\n\n");
        md.append(String.format("Seed %d; %,d subscribers; %,.0f usage events/s for %.1f minutes; %d Kafka nodes; a fault every %d s. "
                        + "Raw data: [%s.json](%s.json); lag: [%s-lag.png](%s-lag.png).%n%n", options.seed(), options.subscribers(),
                options.rate(), options.minutes(), options.brokers(), options.faultEvery().toSeconds(), name, name, name, name));
        md.append("| promise | money | checked | violations |\n|---|---|---:|---:|\n");
        for (Checker.Invariant invariant : outcome.verdict().invariants()) {
            md.append("| ").append(invariant.name()).append(" | ").append(invariant.money() ? "yes" : "").append(" | ")
                    .append(invariant.checked()).append(" | ").append(invariant.violations()).append(" |\n");
        }
        md.append("\n| count | value |\n|---|---:|\n");
        outcome.feed().forEach((key, value) -> md.append("| feed: ").append(key).append(" | ").append(value).append(" |\n"));
        new java.util.TreeMap<>(outcome.verdict().counts()).forEach((key, value) -> md.append("| ").append(key).append(" | ")
                .append(value).append(" |\n"));
        md.append("\n| fault | count | not back within 5 min | back after p50 | p99 |\n|---|---:|---:|---:|---:|\n");
        recovery(outcome.faults()).forEach((kind, figures) -> md.append("| ").append(kind).append(" | ").append(figures.get("count"))
                .append(" | ").append(figures.get("notBack")).append(" | ").append(figures.get("p50Ms")).append(" ms | ")
                .append(figures.get("p99Ms")).append(" ms |\n"));
        md.append("\n## Violations (up to 10 of each)\n\n");
        for (Checker.Invariant invariant : outcome.verdict().invariants()) {
            invariant.examples().forEach(example -> md.append("- ").append(invariant.name(), 0, Math.min(40, invariant.name().length()))
                    .append("…: ").append(example).append("\n"));
        }
        md.append("\n## Faults\n\n| after the feed began | fault | target | back after |\n|---:|---|---|---:|\n");
        outcome.faults().forEach(fault -> md.append(String.format("| %.1f s | %s | %s | %.1f s |%n", fault.atMs() / 1000.0,
                fault.kind(), fault.target(), fault.recoveredMs() / 1000.0)));
        md.append("\n## Restarts by the liveness probe\n\n");
        if (outcome.probeRestarts().isEmpty()) {
            md.append("None: every instance hit by a fault came back by itself.\n");
        } else {
            md.append("| after the feed began | instance | last answer |\n|---:|---|---|\n");
            outcome.probeRestarts().forEach(restart -> md.append(String.format("| %.1f s | %s | %s |%n", restart.atMs() / 1000.0,
                    restart.instance(), restart.lastAnswer())));
        }
        Files.writeString(dir.resolve(name + ".md"), md.toString());
        out.println(md);
        out.println("soak | report: " + dir.resolve(name + ".md"));
    }

    /** Per kind of fault: how many, and the time until the failed part was back, p50 and p99. */
    static Map<String, Map<String, Long>> recovery(List<Faults.Fault> faults) {
        Map<String, Map<String, Long>> byKind = new LinkedHashMap<>();
        faults.stream().collect(Collectors.groupingBy(Faults.Fault::kind, java.util.TreeMap::new, Collectors.toList()))
                .forEach((kind, list) -> {
                    // a part that did not come back within the watcher's patience has no time (-1): counted apart
                    long[] times = list.stream().mapToLong(Faults.Fault::recoveredMs).filter(ms -> ms >= 0).sorted().toArray();
                    byKind.put(kind.name(), Map.of("count", (long) list.size(), "notBack", (long) (list.size() - times.length),
                            "p50Ms", percentile(times, 50), "p99Ms", percentile(times, 99)));
                });
        return byKind;
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
