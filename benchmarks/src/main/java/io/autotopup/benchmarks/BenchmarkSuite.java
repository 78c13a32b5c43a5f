package io.autotopup.benchmarks;

import io.autotopup.benchmarks.jmh.ConfluentSerdeBenchmark;
import io.autotopup.benchmarks.jmh.RuleBenchmark;
import io.autotopup.benchmarks.jmh.SerdeBenchmark;
import io.autotopup.benchmarks.jmh.SmsBenchmark;
import io.autotopup.devstack.LocalBroker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.AppInfoParser;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmark suite (issue 9): Kafka's own producer and consumer perf tools as the anchor, then ingest with
 * exactly-once and at-least-once, restore after kill -9, footprint, top-up latency under load, and JMH
 * micro-benchmarks; medians of several runs, written as Markdown and JSON. Run by {@code ./benchmarks.sh}.
 */
public final class BenchmarkSuite {

    private BenchmarkSuite() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path root = Path.of(System.getProperty("autotopup.home", ".")).toAbsolutePath().normalize();
        Path work = Files.createDirectories(root.resolve("benchmarks/target/run-" + System.currentTimeMillis()));
        Jvm jvm = new Jvm(work.resolve("logs"));
        PrintStream out = System.out;
        Report report = new Report();
        describe(report, options);
        out.printf("benchmarks | work directory %s (logs in logs/)%n", work);

        int status = 0;
        try {
            if (options.broker) {
                double eosRate = brokerAndIngest(options, root, work, jvm, report, out);
                // each on a broker of its own: one that fails is reported, and the sections after it still run
                if (options.ingest) {
                    section(report, "2b", () -> longHistories(options, root, work, jvm, report, out, eosRate));
                    section(report, "2c", () -> manySubscribers(options, root, work, jvm, report, out));
                }
            } else if (options.manySubscribers) {
                manySubscribers(options, root, work, jvm, report, out);
            }
            if (options.latency) {
                new LoadLatency(jvm, root, work, options, out).run(report);
            }
            if (options.backlogs) {
                new Backlog(jvm, root, work, options, out).run(report);
            }
            if (options.jmh) {
                microBenchmarks(report, options, out);
            }
        } catch (Exception | Error e) {
            // what was measured before the failure is kept, and the report says that it is incomplete
            report.finding("INCOMPLETE: the suite stopped with " + e + "; the sections after it are missing.");
            e.printStackTrace();
            status = 1;
        }
        out.println("benchmarks | every figure with a target:");
        report.targets().forEach(target -> out.println("benchmarks |   " + target.line()));
        Path markdown = root.resolve(options.output + ".md");
        report.write(markdown, root.resolve(options.output + ".json"));
        out.printf("benchmarks | wrote %s and %s%n", markdown, root.resolve(options.output + ".json"));
        System.exit(status);
    }

    private static double brokerAndIngest(Options options, Path root, Path work, Jvm jvm, Report report, PrintStream out)
            throws Exception {
        try (LocalBroker broker = LocalBroker.start(work.resolve("broker"), 19092, 19093, jvm.log("broker"))) {
            String bootstrap = broker.bootstrap();
            int recordSize = Population.usageRecordSize();
            report.setting("record size (encoded UsageRecorded)", recordSize + " bytes");

            // 1. The anchor: Kafka's own tools on this broker, now.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("perf-anchor", 3, (short) 1))).all().get();
            }
            PerfAnchor anchor = new PerfAnchor(jvm, bootstrap);
            List<Double> produced = new ArrayList<>();
            List<Double> producedP99 = new ArrayList<>();
            List<Double> consumed = new ArrayList<>();
            for (int run = 1; run <= options.runs; run++) {
                PerfAnchor.Produced producer = anchor.produce("perf-anchor", options.events, recordSize, "producer-perf-" + run);
                produced.add(producer.recordsPerSecond());
                producedP99.add(producer.p99());
                consumed.add(anchor.consume("perf-anchor", options.events, "consumer-perf-" + run).recordsPerSecond());
                out.printf("benchmarks | anchor run %d: producer %,.0f records/s, consumer %,.0f records/s%n", run,
                        producer.recordsPerSecond(), consumed.get(consumed.size() - 1));
            }
            double r = report.add("1. Broker limit (the anchor)", "ProducerPerformance, acks=all, idempotent (R)", "records/s",
                    produced, "Kafka's own tool, " + options.events + " records of " + recordSize + " bytes").median();
            report.add("1. Broker limit (the anchor)", "ProducerPerformance p99 latency", "ms", producedP99, "at full speed");
            report.add("1. Broker limit (the anchor)", "ConsumerPerformance", "records/s", consumed, "Kafka's own tool, same topic");

            // 2, 3, 5, 6. Ingest with each guarantee, restore after kill -9, footprint.
            Population population = new Population(bootstrap);
            population.createCatalogueTopics();
            double preload = population.write(options.subscribers, options.events);
            report.add("2. Ingest (balance-service)", "pre-load of registrations and usage (our producer)", "records/s", List.of(preload),
                    "acks=all, idempotent, linger 20 ms; not a figure of the service");
            if (options.ceiling) {
                ceiling(options, bootstrap, work, report, out, r);
            }
            if (!options.ingest) {
                return 0;
            }
            Path jar = balanceJar(options, root);
            String relative = root.relativize(jar.normalize()).toString();
            report.setting("balance-service jar", relative.startsWith("..") ? jar.toString() : relative);
            // the usage is written once each run's registrations are applied (the pre-load above feeds the ceiling)
            Ingest ingest = new Ingest(jvm, bootstrap, jar, work.resolve("state"), options.serviceJvm, population);
            Map<String, List<Ingest.Result>> results = new LinkedHashMap<>();
            for (String guarantee : options.guarantees) {
                for (int run = 1; run <= options.runs; run++) {
                    Ingest.Result result = ingest.run(guarantee, run, options.subscribers, options.events,
                            guarantee.startsWith("exactly") && !options.profile, options.serviceArguments);
                    results.computeIfAbsent(guarantee, key -> new ArrayList<>()).add(result);
                    out.printf("benchmarks | ingest %s run %d: %,.0f usage events/s, peak RSS %,d MB, restore %.1f s, %,.0f bytes "
                                    + "appended per usage event%n", guarantee, run, result.usagePerSecond(), result.peakRss() >> 20,
                            result.restoreSeconds(), (double) result.appended() / options.events);
                }
            }
            List<Double> eos = results.get("exactly_once_v2").stream().map(Ingest.Result::usagePerSecond).toList();
            List<Double> alos = results.getOrDefault("at_least_once", List.of()).stream().map(Ingest.Result::usagePerSecond).toList();
            double eosRate = report.add("2. Ingest (balance-service)", "usage events applied, exactly-once v2", "events/s", eos,
                    options.events + " events for " + options.subscribers + " subscribers, written while the service runs once "
                            + "its registrations are applied: from the first written to the last applied")
                    .median();
            report.target(report.add("2. Ingest (balance-service)", "ratio events/s ÷ (R / 3)", "", ratios(eos, r / 3),
                    "R / 3: the input, one changelog and the output per event at the broker's pace"), "≥", 0.6);
            report.add("2. Ingest (balance-service)", "ledger changes applied, exactly-once v2", "changes/s",
                    results.get("exactly_once_v2").stream().map(Ingest.Result::appliedPerSecond).toList(),
                    "registrations and usage together: what compares populations of different sizes (2c)");
            report.add("2. Ingest (balance-service)", "the service's CPU per usage event, exactly-once v2", "µs",
                    results.get("exactly_once_v2").stream().map(Ingest.Result::cpuMicrosPerEvent).toList(),
                    "all its threads (/proc/<pid>/stat), from the usage written to the last applied: steadier than events/s "
                            + "when the machine's share of its host swings");
            report.add("2. Ingest (balance-service)", "wall time from JVM start, exactly-once v2", "s",
                    results.get("exactly_once_v2").stream().map(Ingest.Result::wallSeconds).toList(), "JVM and Spring start-up included");
            double alosRate = report.add("3. Exactly-once cost", "usage events applied, at-least-once", "events/s", alos, "same input")
                    .median();
            if (options.ceilingOfToday > 0) {
                report.add("2d. The ceiling of a ledger here (no processing)", "the ledger (section 2) ÷ the shape of its appends", "",
                        ratios(eos, options.ceilingOfToday), "what is left is the ledger's own processing");
            }
            report.target(report.add("3. Exactly-once cost", "EOS / ALOS throughput", "", ratios(eos, alosRate), ""), "≥", 0.8);
            report.target(report.add("5. Restart and restore", "kill -9 after the ingest, until balance reads are right again", "s",
                    results.get("exactly_once_v2").stream().map(Ingest.Result::restoreSeconds).toList(),
                    "same state directory; exactly-once wipes and restores unclean tasks from the changelog"), "<", 5);
            report.target(report.add("6. Footprint", "balance-service peak RSS during ingest (EOS)", "MB",
                    results.get("exactly_once_v2").stream().map(result -> result.peakRss() / 1048576.0).toList(),
                    "JVM options: " + String.join(" ", options.serviceJvm)), "≤", 384);
            report.add("6. Footprint", "balance-service peak heap used during ingest (EOS)", "MB",
                    results.get("exactly_once_v2").stream().map(result -> result.peakHeap() / 1048576.0).toList(), "");
            List<Ingest.Result> eosRuns = results.get("exactly_once_v2");
            report.add("8. Broker bytes per usage event", "appended by the ingest, all topics, exactly-once v2",
                    "bytes", eosRuns.stream().map(result -> (double) result.appended() / options.events).toList(),
                    "log growth from the registrations applied to the last usage applied (Admin describeLogDirs), ÷ usage "
                            + "events; the usage's own append is the next line's event size");
            report.target(report.add("8. Broker bytes per usage event", "the same with the event's own append, ÷ the event's size", "x",
                    eosRuns.stream().map(result -> ((double) result.appended() / options.events + recordSize) / recordSize).toList(),
                    ""), "≤", 2);
            eosRuns.stream().flatMap(result -> result.appendedByTopic().keySet().stream()).distinct().sorted().forEach(topic ->
                    report.add("8. Broker bytes per usage event", topic, "bytes", eosRuns.stream()
                            .map(result -> (double) result.appendedByTopic().getOrDefault(topic, 0L) / options.events).toList(), ""));
            options.ingestRate = eosRate;
            options.appliedRate = Report.median(results.get("exactly_once_v2").stream().map(Ingest.Result::appliedPerSecond).toList());
            return eosRate;
        }
    }

    /**
     * 2d. The ceiling of each ledger design on this broker and machine ({@link Ceiling}), interleaved run by run, each
     * shape's rate against R / 3 as section 2 is; and the shape of today's ledger, whose ratio to section 2 says how
     * much of the ledger's cost its appends are.
     */
    private static void ceiling(Options options, String bootstrap, Path work, Report report, PrintStream out, double r)
            throws Exception {
        Ceiling ceiling = new Ceiling(bootstrap, work.resolve("state-ceiling"));
        Map<Ceiling.Shape, List<Double>> rates = new LinkedHashMap<>();
        for (int run = 1; run <= options.runs; run++) {
            for (Ceiling.Shape shape : Ceiling.Shape.values()) {
                double rate = ceiling.run(shape, run, options.events);
                rates.computeIfAbsent(shape, key -> new ArrayList<>()).add(rate);
                out.printf("benchmarks | ceiling %s run %d: %,.0f usage events/s (%.2f of R / 3)%n", shape, run, rate, rate / (r / 3));
            }
        }
        rates.forEach((shape, measured) -> {
            report.add("2d. The ceiling of a ledger here (no processing)", shape.description, "events/s", measured,
                    "Kafka Streams, balance-service's settings, bytes in and out, " + options.events + " usage events");
            report.add("2d. The ceiling of a ledger here (no processing)", shape.description + ": ÷ (R / 3)", "",
                    ratios(measured, r / 3), "");
        });
        options.ceilingOfToday = Report.median(rates.get(Ceiling.Shape.TODAY));
    }

    /**
     * The same number of usage events for subscribers with long histories: {@value #HISTORY_PER_SUBSCRIBER} entries
     * each, kept whole ({@code history-kept} raised to match), on a fresh broker; its rate against the main ingest's
     * tells whether the cost of an event grows with a subscriber's history.
     */
    private static void longHistories(Options options, Path root, Path work, Jvm jvm, Report report, PrintStream out,
            double eosRate) throws Exception {
        int subscribers = (int) Math.max(1, options.events / HISTORY_PER_SUBSCRIBER);
        try (LocalBroker broker = LocalBroker.start(work.resolve("broker-long-histories"), 19192, 19193, jvm.log("broker-long-histories"))) {
            Population population = new Population(broker.bootstrap());
            population.createCatalogueTopics();
            population.write(subscribers, options.events);
            Ingest ingest = new Ingest(jvm, broker.bootstrap(), balanceJar(options, root), work.resolve("state-long-histories"),
                    options.serviceJvm);
            List<String> arguments = new ArrayList<>(options.serviceArguments);
            arguments.add("--autotopup.balance.history-kept=" + HISTORY_PER_SUBSCRIBER);
            List<Double> rates = new ArrayList<>();
            for (int run = 1; run <= options.runs; run++) {
                Ingest.Result result = ingest.run("exactly_once_v2", run, subscribers, options.events, false, arguments);
                rates.add(result.usagePerSecond());
                out.printf("benchmarks | long histories run %d: %,.0f usage events/s%n", run, result.usagePerSecond());
            }
            report.add("2b. Ingest with long histories", "usage events applied, exactly-once v2", "events/s", rates,
                    options.events + " events for " + subscribers + " subscribers (" + HISTORY_PER_SUBSCRIBER + " entries each, all kept)");
            report.target(report.add("2b. Ingest with long histories", "ratio to the ingest of section 2", "", ratios(rates, eosRate), ""),
                    "≥", 0.9);
        }
    }

    /**
     * The same number of usage events for ten times the subscribers (1,000,000 with the defaults), one event or so
     * each, on a fresh broker: whether the cost of an event grows with the number of subscribers (larger stores, fewer
     * hits in the block cache). Compared in ledger changes per second, since a registration is a ledger change too and
     * here there are as many registrations as usage events.
     */
    private static void manySubscribers(Options options, Path root, Path work, Jvm jvm, Report report, PrintStream out)
            throws Exception {
        int subscribers = options.subscribers * MANY_SUBSCRIBERS_FACTOR;
        try (LocalBroker broker = LocalBroker.start(work.resolve("broker-many-subscribers"), 19292, 19293,
                jvm.log("broker-many-subscribers"))) {
            Population population = new Population(broker.bootstrap());
            population.createCatalogueTopics();
            population.write(subscribers, options.events);
            Ingest ingest = new Ingest(jvm, broker.bootstrap(), balanceJar(options, root), work.resolve("state-many-subscribers"),
                    options.serviceJvm);
            List<Ingest.Result> results = new ArrayList<>();
            for (int run = 1; run <= options.runs; run++) {
                Ingest.Result result = ingest.run("exactly_once_v2", run, subscribers, options.events, false, options.serviceArguments);
                results.add(result);
                out.printf("benchmarks | many subscribers run %d: %,.0f ledger changes/s (%,.0f usage events/s), peak RSS %,d MB%n", run,
                        result.appliedPerSecond(), result.usagePerSecond(), result.peakRss() >> 20);
            }
            String section = "2c. Ingest with " + MANY_SUBSCRIBERS_FACTOR + " times the subscribers";
            String described = options.events + " events for " + subscribers + " subscribers";
            List<Double> applied = results.stream().map(Ingest.Result::appliedPerSecond).toList();
            report.add(section, "ledger changes applied, exactly-once v2", "changes/s", applied,
                    described + ": their registrations and usage");
            report.add(section, "usage events applied, exactly-once v2", "events/s",
                    results.stream().map(Ingest.Result::usagePerSecond).toList(), described + "; the registrations take half the time");
            if (options.appliedRate > 0) {
                report.target(report.add(section, "ratio to the ledger changes/s of section 2", "", ratios(applied, options.appliedRate),
                        "the cost of a ledger change with " + subscribers + " subscribers ÷ with " + options.subscribers), "≥", 0.9);
            }
            report.target(report.add(section, "balance-service peak RSS", "MB",
                    results.stream().map(result -> result.peakRss() / 1048576.0).toList(),
                    "JVM options: " + String.join(" ", options.serviceJvm)), "≤", 512);
        }
    }

    private static final int MANY_SUBSCRIBERS_FACTOR = 10;

    private static final long HISTORY_PER_SUBSCRIBER = 10_000;

    private interface Section {
        void run() throws Exception;
    }

    private static void section(Report report, String number, Section section) {
        try {
            section.run();
        } catch (Exception | Error e) {
            report.finding("INCOMPLETE: section " + number + " stopped with " + e + "; the suite went on without it.");
            e.printStackTrace();
        }
    }

    private static Path balanceJar(Options options, Path root) {
        return options.balanceJar != null ? Path.of(options.balanceJar).toAbsolutePath()
                : root.resolve("balance-service/target/balance-service-0.1.0-SNAPSHOT-exec.jar");
    }

    private static List<Double> ratios(List<Double> values, double divisor) {
        return values.stream().map(value -> value / divisor).toList();
    }

    private static void microBenchmarks(Report report, Options options, PrintStream out) throws Exception {
        out.println("benchmarks | JMH micro-benchmarks (1 fork, 2 x 1 s warm-up, " + options.runs + " x 1 s measured)");
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(SerdeBenchmark.class.getName()).include(ConfluentSerdeBenchmark.class.getName()).include(RuleBenchmark.class.getName()).include(SmsBenchmark.class.getName())
                .forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(options.runs).measurementTime(TimeValue.seconds(1)).build()).run();
        Map<String, Double> serde = new LinkedHashMap<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark().replaceAll(".*\\.(\\w+\\.\\w+)$", "$1");
            String param = result.getParams().getParamsKeys().isEmpty() ? ""
                    : " " + result.getParams().getParam(result.getParams().getParamsKeys().iterator().next());
            List<Double> iterations = new ArrayList<>();
            result.getBenchmarkResults().forEach(benchmarkResult -> benchmarkResult.getIterationResults()
                    .forEach(iteration -> iterations.add(iteration.getPrimaryResult().getScore())));
            String section = benchmark.contains("SerdeBenchmark") ? "7. Micro-benchmarks: Avro serde (ns/op)"
                    : benchmark.startsWith("RuleBenchmark") ? "7. Micro-benchmarks: rule evaluation (ns/op)"
                    : "7. Micro-benchmarks: SMS segmentation (ns/op)";
            report.add(section, benchmark + param, "ns", iterations, "");
            serde.put(benchmark + param, Report.median(iterations));
        }
        Map<String, List<Double>> byOperation = new LinkedHashMap<>();
        serde.forEach((name, nanos) -> {
            if (name.startsWith("SerdeBenchmark.serde")) {
                String plain = name.replace("SerdeBenchmark.serde", "SerdeBenchmark.plain");
                if (serde.containsKey(plain)) {
                    report.add("7. Micro-benchmarks: our serde ÷ plain SpecificDatumWriter/Reader", name.replace("SerdeBenchmark.", ""),
                            "x", List.of(nanos / serde.get(plain)), "single-object header and fingerprint lookup included");
                    byOperation.computeIfAbsent(name.replaceFirst("SerdeBenchmark\\.serde(\\w+).*", "$1").toLowerCase(java.util.Locale.ROOT),
                            key -> new ArrayList<>()).add(nanos / serde.get(plain));
                }
            }
            if (name.startsWith("ConfluentSerdeBenchmark.confluent")) {
                String plain = name.replace("ConfluentSerdeBenchmark.confluent", "SerdeBenchmark.plain");
                if (serde.containsKey(plain)) {
                    report.add("7. Micro-benchmarks: our serde ÷ plain SpecificDatumWriter/Reader", name.replace("ConfluentSerdeBenchmark.", ""),
                            "x", List.of(nanos / serde.get(plain)), "Confluent's framing, schema ids already learnt");
                }
            }
        });
        // the figure: each operation's ratio over the events, its median the "run" figure, every event in the runs
        byOperation.forEach((operation, ratios) -> {
            report.target(report.add("7. Micro-benchmarks: our serde ÷ plain SpecificDatumWriter/Reader",
                    "single-object " + operation + ", median over the events", "x", ratios,
                    "the runs here are the events, one ratio each; " + ratios.stream().filter(ratio -> ratio > 1.2).count()
                            + " of " + ratios.size() + " above 1.2"), "≤", 1.2);
        });
    }

    private static void describe(Report report, Options options) throws Exception {
        report.environment("date", Instant.now().toString());
        report.environment("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                + (Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\D", "") + " kB").replaceAll("(\\d+) kB",
                "$1 kB RAM") + ", " + cpuModel());
        report.environment("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        report.environment("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.environment("kafka (broker, clients, streams, tools)", AppInfoParser.getVersion());
        report.environment("spring boot", org.springframework.boot.SpringBootVersion.getVersion());
        report.environment("autotopup", "0.1.0-SNAPSHOT");
        report.setting("runs per figure", options.runs);
        report.setting("runs", options.runs);
        report.setting("subscribers / usage events", options.subscribers + " / " + options.events);
        report.setting("broker", "one KRaft broker (combined mode), -Xmx512m, loopback, single-broker settings");
        report.setting("service JVM options", String.join(" ", options.serviceJvm));
        report.setting("service arguments", options.serviceArguments.isEmpty() ? "defaults (balance-service.yml)"
                : String.join(" ", options.serviceArguments));
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                    .findFirst().map(line -> line.replaceFirst("model name\\s*:\\s*", "")).orElse("cpu unknown");
        } catch (java.io.IOException e) {
            return "cpu unknown";
        }
    }

    /** What to run, from the command line. */
    static final class Options {
        int runs = 3;
        int subscribers = 100_000;
        long events = 1_000_000;
        int latencySeconds = 30;
        /**
         * How long each latency run offers its load before it measures: a fresh stack at 800/s falls ten seconds and
         * more behind in its first half-minute and catches up within the minute (docs/benchmarks.md, "Targets missed").
         * What it measures meanwhile is reported apart, as the latency after a (re)start.
         */
        int latencyWarmUpSeconds = 90;
        int crossers = 100;
        /** A rate for the latency test; without it, half the full stack's sustainable rate, measured first. */
        double latencyRate;
        /** balance-service's exactly-once ingest rate alone, once measured: what the full stack is offered. */
        double ingestRate;
        /** balance-service's exactly-once ledger changes per second alone (section 2), what section 2c compares with. */
        double appliedRate;
        /** With --only-many-subscribers: section 2c alone (without its ratio to section 2). */
        boolean manySubscribers;
        boolean broker = true;
        /** Section 2d, the ceiling of each ledger design (on by default); and the ingest of balance-service itself. */
        boolean ceiling = true;
        boolean ingest = true;
        /** The median rate of the shape of today's ledger, once 2d ran. */
        double ceilingOfToday;
        boolean latency = true;
        boolean jmh = true;
        boolean backlogs = true;
        /** Requests and texts in each backlog (section 10). */
        int backlog = 2_000;
        /** A service's jar other than the one built here (a previous version, for a before-and-after). */
        Map<String, Path> jars = new java.util.HashMap<>();
        boolean profile;
        boolean onlyLightLoad;
        List<String> guarantees = List.of("exactly_once_v2", "at_least_once");
        String output = "docs/benchmarks/results";
        /** Another balance-service jar to measure (a previous version, for a before-and-after). */
        String balanceJar;
        /** balance-service alone: 256 MB of heap, the RocksDB stores 64 MB off it (BoundedRocksDbMemory). */
        List<String> serviceJvm = new ArrayList<>(List.of("-Xms256m", "-Xmx256m"));
        List<String> serviceArguments = new ArrayList<>();

        /** Four services share the machine under load: a smaller heap each. */
        List<String> serviceJvmUnderLoad() {
            // with --profile, every service of the full stack records too
            return profile ? List.of("-Xms256m", "-Xmx512m", PROFILE_OPTION) : List.of("-Xms256m", "-Xmx512m");
        }

        Path jar(Path root, String service) {
            return jars.getOrDefault(service, root.resolve(service + "/target/" + service + "-0.1.0-SNAPSHOT-exec.jar"));
        }

        private static final String PROFILE_OPTION = "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                + Path.of("benchmarks/target").toAbsolutePath() + "/";

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--runs" -> options.runs = Integer.parseInt(args[++i]);
                    case "--subscribers" -> options.subscribers = Integer.parseInt(args[++i]);
                    case "--events" -> options.events = Long.parseLong(args[++i]);
                    case "--latency-seconds" -> options.latencySeconds = Integer.parseInt(args[++i]);
                    case "--latency-rate" -> options.latencyRate = Double.parseDouble(args[++i]);
                    case "--latency-warm-up-seconds" -> options.latencyWarmUpSeconds = Integer.parseInt(args[++i]);
                    case "--ingest-rate" -> options.ingestRate = Double.parseDouble(args[++i]);
                    case "--crossers" -> options.crossers = Integer.parseInt(args[++i]);
                    case "--quick" -> {
                        options.subscribers = 10_000;
                        options.events = 100_000;
                        options.latencySeconds = 20;
                        options.latencyWarmUpSeconds = 30;
                        options.backlog = 500;
                    }
                    case "--only-ingest" -> {
                        options.latency = false;
                        options.jmh = false;
                        options.backlogs = false;
                    }
                    case "--only-latency" -> {
                        options.broker = false;
                        options.jmh = false;
                        options.backlogs = false;
                    }
                    case "--only-jmh" -> {
                        options.broker = false;
                        options.latency = false;
                        options.backlogs = false;
                    }
                    case "--only-backlog" -> {
                        options.broker = false;
                        options.latency = false;
                        options.jmh = false;
                    }
                    case "--backlog" -> options.backlog = Integer.parseInt(args[++i]);
                    case "--jar" -> {
                        String[] serviceAndPath = args[++i].split("=", 2);
                        options.jars.put(serviceAndPath[0], Path.of(serviceAndPath[1]).toAbsolutePath());
                    }
                    case "--no-jmh" -> options.jmh = false;
                    case "--no-ceiling" -> options.ceiling = false;
                    case "--unaligned-ids" -> Population.alignedIds = false;
                    case "--only-ceiling" -> {
                        options.ingest = false;
                        options.latency = false;
                        options.jmh = false;
                        options.backlogs = false;
                    }
                    case "--only-many-subscribers" -> {
                        options.broker = false;
                        options.latency = false;
                        options.jmh = false;
                        options.backlogs = false;
                        options.manySubscribers = true;
                    }
                    case "--eos-only" -> options.guarantees = List.of("exactly_once_v2");
                    case "--only-light-load" -> options.onlyLightLoad = true;
                    case "--profile" -> {
                        // JFR on the service under test; the recording is written when it stops (no kill -9 then)
                        options.profile = true;
                        options.serviceJvm.add(PROFILE_OPTION);
                    }
                    case "--output" -> options.output = args[++i];
                    case "--balance-jar" -> options.balanceJar = args[++i];
                    case "--service-jvm" -> options.serviceJvm = new ArrayList<>(List.of(args[++i].split("\\s+")));
                    case "--service-arg" -> options.serviceArguments.add(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see benchmarks.sh --help");
                }
            }
            return options;
        }
    }
}
