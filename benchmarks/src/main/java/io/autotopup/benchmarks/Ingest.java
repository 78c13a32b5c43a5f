package io.autotopup.benchmarks;

import io.autotopup.devstack.ChildProcess;
import io.autotopup.platform.security.Scopes;
import io.autotopup.platform.testing.TestIssuer;
import io.autotopup.schemas.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * balance-service ingesting the pre-loaded usage from the start: a fresh application id and state directory
 * per run, so each run does the whole work. Done when every registration and usage event is applied (the
 * ledger's own counter), which is when its consumer lag is zero.
 */
final class Ingest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern APPLIED = Pattern.compile("^autotopup_ledger_applied_total\\{[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);

    private final Jvm jvm;
    private final String bootstrap;
    private final Path serviceJar;
    private final Path work;
    private final List<String> jvmOptions;
    /** Mints the token the restore check reads balances with; the service under test trusts it. */
    private final TestIssuer issuer = TestIssuer.start();

    /** Writes the usage once the registrations are applied; null: the usage is pre-loaded with them. */
    private final Population live;

    Ingest(Jvm jvm, String bootstrap, Path serviceJar, Path work, List<String> jvmOptions) {
        this(jvm, bootstrap, serviceJar, work, jvmOptions, null);
    }

    /**
     * An ingest whose usage is written while the service runs, after its registrations are applied: each run deletes
     * the usage the topic holds, starts the service on the registrations alone, waits until every one is applied, and
     * only then writes the usage and starts the clock. So the registrations, and the usage that would otherwise race
     * them and wait for its number, stay out of the figure (issue 32, "measure it fairly").
     */
    Ingest(Jvm jvm, String bootstrap, Path serviceJar, Path work, List<String> jvmOptions, Population live) {
        this.jvm = jvm;
        this.bootstrap = bootstrap;
        this.serviceJar = serviceJar;
        this.work = work;
        this.jvmOptions = jvmOptions;
        this.live = live;
    }

    /**
     * @param usagePerSecond usage events per second, from the first ledger change to the last; with the usage written
     *                       live, from the moment its writing started to the last change
     * @param appliedPerSecond ledger changes (registrations and usage) per second over the same time: what compares
     *                       populations of different sizes, whose registrations are a different share of the work
     * @param wallSeconds    from starting the JVM to the last change
     * @param peakRss        bytes
     * @param peakHeap       bytes
     * @param restoreSeconds after kill -9, until a balance read answers with the right balance (-1: not measured)
     * @param cpuMicrosPerEvent the service's CPU, all its threads, from the usage written to the last applied, ÷ usage events
     */
    record Result(String guarantee, double usagePerSecond, double appliedPerSecond, double wallSeconds, long peakRss, long peakHeap, double restoreSeconds,
            Map<String, Long> appendedByTopic, double cpuMicrosPerEvent) {

        /** Bytes the service's work appended to the broker's logs, all topics (changelogs, repartition, outputs, offsets). */
        long appended() {
            return total(appendedByTopic);
        }
    }

    private static long total(Map<String, Long> appendedByTopic) {
        return appendedByTopic.values().stream().mapToLong(Long::longValue).sum();
    }

    /** A running balance-service of the benchmark. */
    record Service(ChildProcess process, String url, String applicationId, Path stateDir) {
    }

    Result run(String guarantee, int run, int subscribers, long events, boolean measureRestore, List<String> extraArguments)
            throws Exception {
        String applicationId = "bench-balance-" + guarantee.replace('_', '-') + "-" + run;
        Path stateDir = Files.createDirectories(work.resolve(applicationId));
        long expected = subscribers + events;
        if (live != null) {
            live.deleteUsage();
        }
        Map<String, Long> sizesBefore = LogSizes.byTopic(bootstrap);
        long started = System.nanoTime();
        Service service = start(applicationId, stateDir, guarantee, extraArguments);
        // closed on every path: a failed run left its JVM running, which joined the next run's group on the next
        // broker (the same port and application id) and broke that run too
        try (ChildProcess first = service.process()) {
            return measure(applicationId, stateDir, guarantee, subscribers, events, measureRestore, extraArguments,
                    expected, sizesBefore, started, service);
        }
    }

    private Result measure(String applicationId, Path stateDir, String guarantee, int subscribers, long events,
            boolean measureRestore, List<String> extraArguments, long expected, Map<String, Long> sizesBefore,
            long started, Service service) throws Exception {
        Memory memory = new Memory(service.process().pid(), service.url());
        long firstApplied = 0;
        long lastApplied;
        // with the usage written live: when it started, once the registrations were applied
        long usageStarted = 0;
        // the service's CPU (all its threads) when the usage started: CPU per event is steadier than events per second
        // on a machine whose share of the host swings
        double cpuAtUsage = 0;
        double progress = -1;
        long progressAt = started;
        long heapSampledAt = 0;
        while (true) {
            double applied = applied(service.url());
            long now = System.nanoTime();
            if (applied > 0 && firstApplied == 0) {
                firstApplied = now;
            }
            if (applied > progress) {
                progress = applied;
                progressAt = now;
            } else if (now - progressAt > Duration.ofSeconds(120).toNanos()) {
                throw new IllegalStateException(applicationId + " made no progress for 120 s at " + applied + " of " + expected);
            }
            if (now - heapSampledAt > HEAP_SAMPLE_INTERVAL.toNanos()) {
                memory.sample();
                heapSampledAt = now;
            }
            if (live != null && usageStarted == 0 && applied >= subscribers) {
                sizesBefore = LogSizes.byTopic(bootstrap);
                usageStarted = System.nanoTime();
                cpuAtUsage = CpuTime.seconds(service.process().pid());
                live.writeUsage(subscribers, events);
                continue;
            }
            if (applied >= expected) {
                lastApplied = now;
                break;
            }
            if (!service.process().alive()) {
                throw new IllegalStateException(applicationId + " stopped; see its log");
            }
            if (now - started > INGEST_LIMIT.toNanos()) {
                throw new IllegalStateException(applicationId + " applied " + applied + " of " + expected + " in " + INGEST_LIMIT);
            }
            Thread.sleep(500);
        }
        double usagePerSecond = events / ((lastApplied - (live != null ? usageStarted : firstApplied)) / 1e9);
        double cpuPerEvent = (CpuTime.seconds(service.process().pid()) - cpuAtUsage) / events * 1e6;
        double appliedPerSecond = expected / ((lastApplied - firstApplied) / 1e9);
        Map<String, Long> appended = LogSizes.growth(sizesBefore, LogSizes.byTopic(bootstrap));
        // the usage's own append: counted apart, as the event's size, as when it is pre-loaded
        appended.remove(Topics.USAGE_EVENTS.name());
        long peakRss = memory.peakRss();
        // said before the restore, so that the figure is there when a restore fails
        System.out.printf("benchmarks | %s applied %,.0f usage events/s, %,.0f bytes appended per usage event, %.1f µs of the "
                        + "service's CPU per usage event%n", applicationId, usagePerSecond,
                (double) total(appended) / events, cpuPerEvent);
        double restore = -1;
        if (measureRestore) {
            service.process().kill();
            long restarted = System.nanoTime();
            Service again = start(applicationId, stateDir, guarantee, extraArguments);
            try (ChildProcess second = again.process()) {
                long expectedBalance = Population.OPENING_BALANCE - (events / subscribers) * Population.CHARGE;
                awaitBalances(again.url(), subscribers, expectedBalance);
                restore = (System.nanoTime() - restarted) / 1e9;
            }
        } else {
            service.process().close();
        }
        return new Result(guarantee, usagePerSecond, appliedPerSecond, (lastApplied - started) / 1e9, peakRss, memory.peakHeap(), restore, appended,
                cpuPerEvent);
    }

    /** How often the heap is read (the peak RSS needs no sampling: the kernel keeps its high-water mark). */
    private static final Duration HEAP_SAMPLE_INTERVAL = Duration.ofSeconds(2);

    /** The longest an ingest may take before the run is given up. */
    private static final Duration INGEST_LIMIT = Duration.ofMinutes(30);

    private Service start(String applicationId, Path stateDir, String guarantee, List<String> extraArguments) throws IOException {
        int port = freePort();
        List<String> arguments = new ArrayList<>(jvmOptions);
        arguments.addAll(List.of("-jar", serviceJar.toString(),
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--spring.kafka.streams.application-id=" + applicationId,
                "--spring.kafka.streams.state-dir=" + stateDir,
                "--spring.kafka.streams.properties.processing.guarantee=" + guarantee,
                "--spring.kafka.streams.properties.group.instance.id=" + applicationId,
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--autotopup.verification.key=" + Base64.getEncoder().encodeToString("benchmark-one-time-code-key-32b!".getBytes()),
                issuer.trustedByArguments(0).get(0), issuer.trustedByArguments(0).get(1), issuer.trustedByArguments(0).get(2),
                "--logging.level.root=WARN",
                // the pre-load's usage races its registrations (separate tasks): with a million subscribers much of it
                // waits for its number longer than the deployed 30 s, and would be dead-lettered as unknown
                "--autotopup.balance.unknown-msisdn-grace=" + INGEST_LIMIT.toMinutes() + "m"));
        arguments.addAll(extraArguments);
        ChildProcess process = jvm.start(applicationId + "-" + System.nanoTime() % 10_000, arguments, Jvm.SERVICE_ENVIRONMENT);
        return new Service(process, "http://127.0.0.1:" + port, applicationId, stateDir);
    }

    /** Waits until a sample of subscribers reads back the expected balance (the state is restored and queryable). */
    private void awaitBalances(String url, int subscribers, long expected) throws Exception {
        String token = issuer.machineToken("benchmarks", Scopes.SUBSCRIBERS_READ);
        int[] sample = {0, subscribers / 3, subscribers / 2, subscribers - 1};
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        for (int n : sample) {
            while (true) {
                String body = get(url + "/v1/subscribers/" + Population.subscriberId(n) + "/balance", token);
                if (body != null && body.contains("\"amount\":\"" + expected + "\"")) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no correct balance for " + Population.subscriberId(n) + " after a restart: " + body);
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Every ledger change the service applied (all reasons), from its Prometheus endpoint; 0 while it starts. Only
     * that counter's family is asked for: the whole page is about a megabyte of Kafka's client and Streams metrics, and
     * the suite's own scraping of it, eight times a second, was a fifth of the service's profiled samples. The
     * family is named both ways: which of the two the endpoint's filter matches differed between two runs of one jar.
     */
    static double applied(String url) {
        String body = get(url + "/actuator/prometheus?includedNames=autotopup_ledger_applied_total,autotopup_ledger_applied");
        if (body == null) {
            return 0;
        }
        double total = 0;
        Matcher matcher = APPLIED.matcher(body);
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(1));
        }
        return total;
    }

    static String get(String url) {
        return get(url, null);
    }

    static String get(String url, String token) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
