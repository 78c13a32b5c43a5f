package io.autotopup.benchmarks;

import io.autotopup.devstack.ChildProcess;
import io.autotopup.devstack.ConsumerLag;
import io.autotopup.devstack.LocalBroker;
import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.Language;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpRequested;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.sandbox.smsc.SmsCentreSimulator;
import io.autotopup.schemas.Events;
import io.autotopup.schemas.Topics;
import io.autotopup.platform.testing.TestIssuer;
import io.autotopup.topupctl.stack.StackClient;
import io.autotopup.topupctl.stack.StackEndpoints;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Auto top-up latency under load (4) and the footprint of every service meanwhile (6): the whole system on a
 * fresh broker, the sandbox gateway answering after 50 ms; usage at a steady rate over many subscribers, about
 * 1% of it taking a subscriber with a rule below its threshold. For each crossing: the time from the usage
 * event's timestamp to its TopUpCompleted, and to the SMS reaching the SMS centre; and that time hop by hop, as a
 * {@code read_committed} consumer sees each service's output appear ({@link #HOPS}).
 */
final class LoadLatency {

    private static final long THRESHOLD = 10_000;
    private static final long TOP_UP = 50_000;
    private static final long AFTER_CROSSING = 5_000;
    private static final List<String> SERVICES = List.of("balance-service", "rule-engine-service", "payment-service",
            "notification-service");
    /**
     * A crossing's way to its TopUpCompleted, one hop per service: from the usage event sent (its timestamp) until its
     * BalanceChanged can be read, from there until the TopUpRequested can be read, from there until the TopUpCompleted
     * can be read. Each includes the hop's transaction commit (exactly-once: the output is readable only then).
     */
    static final List<String> HOPS = List.of("usage event → BalanceChanged (balance-service)",
            "BalanceChanged → TopUpRequested (rule-engine-service)", "TopUpRequested → TopUpCompleted (payment-service, gateway 50 ms)");

    private final Jvm jvm;
    private final Path root;
    private final Path work;
    private final BenchmarkSuite.Options options;
    private final PrintStream out;

    LoadLatency(Jvm jvm, Path root, Path work, BenchmarkSuite.Options options, PrintStream out) {
        this.jvm = jvm;
        this.root = root;
        this.work = work;
        this.options = options;
        this.out = out;
    }

    void run(Report report) throws Exception {
        if (!options.onlyLightLoad) {
            double rate = options.latencyRate;
            if (rate <= 0) {
                rate = Math.max(50, capacity(report, options.ingestRate > 0 ? options.ingestRate : 4_000) / 2);
            }
            measure(report, rate, "at half the full-stack rate");
        }
        measure(report, 200, "at 200 events/s");
    }

    /**
     * The whole system's sustainable rate (9): usage offered in steps that double from {@value #FIRST_STEP}/s, each for
     * {@value #STEP_SECONDS} s, up to the rate balance-service takes alone; the sustainable rate is the highest step
     * the stack kept up with (the ledger applied at least 90% of what was offered over the step's second half, and no
     * service's consumer group was more than 2 s of usage behind at its end), with every service and the broker on
     * this machine. Also each process's share of the machine at that step, and what the
     * ledger applied at the first step it did not keep up with.
     */
    private double capacity(Report report, double ledgerAlone) throws Exception {
        List<Double> ladder = new ArrayList<>();
        for (double rate = FIRST_STEP; rate < ledgerAlone; rate *= 2) {
            ladder.add(rate);
        }
        ladder.add(ledgerAlone);
        double[] rates = ladder.stream().mapToDouble(Double::doubleValue).toArray();
        List<Double> sustained = new ArrayList<>();
        List<Double> saturated = new ArrayList<>();
        Map<String, List<Double>> shares = new java.util.LinkedHashMap<>();
        for (int run = 1; run <= options.runs; run++) {
            Result result = once(run, rates, STEP_SECONDS, 0, false);
            sustained.add(result.sustained());
            if (!Double.isNaN(result.saturated())) {
                saturated.add(result.saturated());
            }
            result.cpuShare().forEach((process, share) -> shares.computeIfAbsent(process, key -> new ArrayList<>()).add(share));
            out.printf("benchmarks | full stack run %d: sustained %,.0f usage events/s; at the next step the ledger applied %,.0f/s;"
                    + " CPU %% %s%n", run, result.sustained(), result.saturated(), result.cpuShare());
        }
        String section = "9. Full stack on one machine";
        Report.Figure sustainable = report.add(section, "sustainable usage rate, all four services and the broker running", "events/s", sustained,
                "the highest of the steps " + ladder.stream().map(Report::format).toList() + " /s (" + STEP_SECONDS
                        + " s each, ~1% crossing, gateway 50 ms) at which the ledger applied ≥ 90% of the usage offered and no"
                        + " service's consumer group was more than 2 s of it behind");
        double rate = report.reported(sustainable).median();
        report.add(section, "what the ledger applied at the first step the stack fell behind", "events/s", saturated,
                "the groups' lag at each step is in the suite's output");
        if (options.ingestRate > 0) {
            report.target(report.add(section, "the ledger's rate with the whole stack ÷ the ledger alone (section 2)", "",
                    sustained.stream().map(value -> value / options.ingestRate).toList(), ""), "≥", 0.5);
        }
        shares.forEach((process, values) -> report.reported(report.add(section, "share of the machine's CPU at that rate: " + process,
                "%", values, "CPU seconds over the step's second half ÷ (its length × " + Runtime.getRuntime().availableProcessors()
                        + " cores)")));
        return rate;
    }

    private static final double FIRST_STEP = 100;
    /** How often each service's heap is read: its Prometheus page costs it CPU, which the full stack measures. */
    private static final long HEAP_SAMPLE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int STEP_SECONDS = 16;

    /** Each measurement gets a broker of its own (fresh data directory, its own ports). */
    private int measurements;

    private void measure(Report report, double rate, String label) throws Exception {
        List<Double> toCompleted50 = new ArrayList<>();
        List<Double> toCompleted99 = new ArrayList<>();
        List<Double> toCompletedMax = new ArrayList<>();
        List<Double> toSms50 = new ArrayList<>();
        List<Double> toSms99 = new ArrayList<>();
        List<Double> toSmsMax = new ArrayList<>();
        List<Double> crossings = new ArrayList<>();
        List<Double> unfinished = new ArrayList<>();
        List<Double> warmUp50 = new ArrayList<>();
        List<Double> warmUp99 = new ArrayList<>();
        List<Double> warmUpMax = new ArrayList<>();
        Map<String, List<Double>> hop50 = new java.util.LinkedHashMap<>();
        Map<String, List<Double>> hop99 = new java.util.LinkedHashMap<>();
        Map<String, List<Double>> rss = new java.util.LinkedHashMap<>();
        Map<String, List<Double>> heap = new java.util.LinkedHashMap<>();
        for (int run = 1; run <= options.runs; run++) {
            Result result = once(run, new double[] {rate}, options.latencySeconds, options.latencyWarmUpSeconds, true);
            warmUp50.add(result.warmUp().getValueAtPercentile(50) / 1000.0);
            warmUp99.add(result.warmUp().getValueAtPercentile(99) / 1000.0);
            warmUpMax.add(result.warmUp().getMaxValue() / 1000.0);
            result.hops().forEach((hop, histogram) -> {
                hop50.computeIfAbsent(hop, key -> new ArrayList<>()).add(histogram.getValueAtPercentile(50) / 1000.0);
                hop99.computeIfAbsent(hop, key -> new ArrayList<>()).add(histogram.getValueAtPercentile(99) / 1000.0);
            });
            toCompleted50.add(result.completed().getValueAtPercentile(50) / 1000.0);
            toCompleted99.add(result.completed().getValueAtPercentile(99) / 1000.0);
            toCompletedMax.add(result.completed().getMaxValue() / 1000.0);
            toSms50.add(result.sms().getValueAtPercentile(50) / 1000.0);
            toSms99.add(result.sms().getValueAtPercentile(99) / 1000.0);
            toSmsMax.add(result.sms().getMaxValue() / 1000.0);
            crossings.add((double) result.completed().getTotalCount());
            unfinished.add((double) result.unfinished());
            result.peakRss().forEach((service, bytes) -> rss.computeIfAbsent(service, key -> new ArrayList<>()).add(bytes / 1048576.0));
            result.peakHeap().forEach((service, bytes) -> heap.computeIfAbsent(service, key -> new ArrayList<>()).add(bytes / 1048576.0));
            out.printf("benchmarks | latency run %d: %d crossings, to TopUpCompleted p50 %.0f ms p99 %.0f ms, to SMS p99 %.0f ms;"
                    + " p50 / p99 by hop %s; during the warm-up p50 %.0f ms p99 %.0f ms%n", run, result.completed().getTotalCount(),
                    toCompleted50.get(run - 1), toCompleted99.get(run - 1), toSms99.get(run - 1), Hops.describe(result.hops()),
                    warmUp50.get(run - 1), warmUp99.get(run - 1));
        }
        String section = "4. Auto top-up latency under load, " + label;
        String load = Report.format(rate) + " usage events/s for " + options.latencySeconds + " s, ~1% crossing; gateway 50 ms; after "
                + options.latencyWarmUpSeconds + " s of the same load on the fresh stack, measured apart (below)";
        report.add(section, "crossings measured", "", crossings, load);
        report.add(section, "crossings without TopUpCompleted 120 s after the load stopped", "", unfinished,
                "left out of the percentiles below");
        report.add(section, "usage event → TopUpCompleted, p50", "ms", toCompleted50, "");
        report.target(report.add(section, "usage event → TopUpCompleted, p99", "ms", toCompleted99, ""), "<", 1000);
        report.add(section, "usage event → TopUpCompleted, max", "ms", toCompletedMax, "");
        for (String hop : HOPS) {
            report.add(section, "hop: " + hop + ", p50", "ms", hop50.getOrDefault(hop, List.of()), "");
            report.add(section, "hop: " + hop + ", p99", "ms", hop99.getOrDefault(hop, List.of()),
                    hop.equals(HOPS.get(0)) ? "each hop until its output can be read (read_committed), from the crossings measured" : "");
        }
        report.add(section, "usage event → SMS at the SMS centre, p50", "ms", toSms50, "");
        report.add(section, "usage event → SMS at the SMS centre, p99", "ms", toSms99, "");
        report.add(section, "usage event → SMS at the SMS centre, max", "ms", toSmsMax, "");
        String warmUp = "the crossings of the fresh stack's first " + options.latencyWarmUpSeconds + " s at this rate";
        report.add(section, "warm-up: usage event → TopUpCompleted, p50", "ms", warmUp50, warmUp);
        report.add(section, "warm-up: usage event → TopUpCompleted, p99", "ms", warmUp99, "");
        report.add(section, "warm-up: usage event → TopUpCompleted, max", "ms", warmUpMax, "");
        rss.forEach((service, values) -> report.target(report.add("6. Footprint", service + " peak RSS " + label, "MB", values,
                "JVM options: " + String.join(" ", options.serviceJvmUnderLoad())), "≤", 512));
        heap.forEach((service, values) -> report.add("6. Footprint", service + " peak heap used " + label, "MB", values, ""));
    }

    /**
     * @param sustained the highest offered rate the stack kept up with (the ledger applied at least {@value #KEPT_UP} of it
     *                  over the second half of the step, and no consumer group was more than 2 s of usage behind at its
     *                  end); the rate offered when one rate was
     * @param saturated what the ledger applied per second at the first rate it did not keep up with (NaN: none)
     * @param cpuShare  per process, its CPU time over the second half of the sustained step ÷ (that time × cores), in %
     */
    record Result(Histogram completed, Histogram warmUp, Map<String, Histogram> hops, Histogram sms, int unfinished,
            Map<String, Long> peakRss, Map<String, Long> peakHeap, double sustained, double saturated, Map<String, Double> cpuShare) {
    }

    /** A step is kept up with when the ledger applies this share of the usage offered. */
    private static final double KEPT_UP = 0.9;

    /** @param warmUpSeconds how long the first rate is offered before the crossings are measured (they are, apart) */
    private Result once(int run, double[] rates, int stepSeconds, int warmUpSeconds, boolean drain) throws Exception {
        measurements++;
        Path dir = work.resolve("latency-" + measurements);
        List<ChildProcess> services = new ArrayList<>();
        try (LocalBroker broker = LocalBroker.start(dir, 19192 + measurements * 10, 19193 + measurements * 10,
                jvm.log("latency-broker-" + measurements));
             TestIssuer issuer = TestIssuer.start();
             SandboxGateway gateway = SandboxGateway.start(0);
             SmsCentreSimulator smsc = SmsCentreSimulator.start(0, 0)) {
            gateway.setFaults(new SandboxGateway.Faults(50, false));
            String bootstrap = broker.bootstrap();
            String key = Base64.getEncoder().encodeToString("benchmark-one-time-code-key-32b!".getBytes());
            List<String> urls = new ArrayList<>();
            Map<String, Memory> memory = new java.util.LinkedHashMap<>();
            for (String service : SERVICES) {
                int port = Ingest.freePort();
                List<String> arguments = new ArrayList<>(options.serviceJvmUnderLoad());
                arguments.addAll(List.of("-jar", root.resolve(service + "/target/" + service + "-0.1.0-SNAPSHOT-exec.jar").toString(),
                        "--spring.kafka.bootstrap-servers=" + bootstrap, "--server.port=" + port, "--server.address=127.0.0.1",
                        "--spring.kafka.streams.state-dir=" + dir.resolve("state").resolve(service),
                        "--autotopup.verification.key=" + key,
                        // the harness mints the subscribers' tokens itself: the services trust its issuer
                        issuer.trustedByArguments(0).get(0), issuer.trustedByArguments(0).get(1), issuer.trustedByArguments(0).get(2),
                        "--autotopup.gateway.base-url=" + gateway.baseUrl(), "--autotopup.smpp.port=" + smsc.smppPort(),
                        "--logging.level.root=WARN"));
                if (service.equals("payment-service")) {
                    arguments.add(Jvm.PAYMENT_TOKEN_KEYS);
                }
                ChildProcess process = jvm.start("latency-" + measurements + "-" + service, arguments, Jvm.SERVICE_ENVIRONMENT);
                services.add(process);
                urls.add("http://127.0.0.1:" + port);
                memory.put(service, new Memory(process.pid(), "http://127.0.0.1:" + port));
            }
            StackEndpoints endpoints = new StackEndpoints(bootstrap, urls.get(0), urls.get(1), urls.get(2), urls.get(3),
                    gateway.baseUrl(), smsc.inboxUrl(), issuer.issuer(), null, null);
            try (StackClient client = new StackClient(endpoints);
                 KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                for (String url : urls) {
                    client.awaitHealthy(url, Duration.ofMinutes(3));
                }
                int background = Math.max(1_000, (int) Math.min(options.subscribers, 20_000));
                int crossers = options.crossers;
                register(producer, background, crossers);
                for (int n = 0; n < crossers; n++) {
                    client.useToken(crosserId(n), issuer.subscriberToken(crosserId(n)));
                }
                List<String> crosserIds = prepareCrossers(client, gateway, crossers);
                Map<String, Long> pids = new java.util.LinkedHashMap<>();
                for (int i = 0; i < SERVICES.size(); i++) {
                    pids.put(SERVICES.get(i), services.get(i).pid());
                }
                pids.put("broker", broker.process().pid());
                pids.put("load generator, gateway and SMS centre (this JVM)", ProcessHandle.current().pid());
                return drive(producer, bootstrap, smsc, memory, rates, stepSeconds, warmUpSeconds, background, crosserIds, urls.get(0),
                        pids, drain, dir.resolve("crossings.csv"));
            }
        } finally {
            for (int i = services.size() - 1; i >= 0; i--) {
                services.get(i).close();
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 2), new StringSerializer(),
                new ByteArraySerializer());
    }

    private static String crosserId(int n) {
        return "crosser-" + n;
    }

    private static String crosserMsisdn(int n) {
        return String.format("+85620900%05d", n);
    }

    /** Background subscribers (large balances, no rule) and the crossers, straight onto {@code subscribers}. */
    private static void register(KafkaProducer<String, byte[]> producer, int background, int crossers) {
        Instant now = Instant.now();
        for (int n = 0; n < background + crossers; n++) {
            boolean crosser = n >= background;
            int index = n - background;
            SubscriberRegistered registered = SubscriberRegistered.newBuilder()
                    .setSubscriberId(crosser ? crosserId(index) : Population.subscriberId(n))
                    .setMsisdn(crosser ? crosserMsisdn(index) : Population.msisdn(n)).setCurrency("LAK").setLanguage(Language.LO)
                    .setStatus(SubscriberStatus.ACTIVE)
                    .setOpeningBalance(Events.money(crosser ? THRESHOLD + 1_000 : Population.OPENING_BALANCE, "LAK"))
                    .setRegisteredAt(now).build();
            producer.send(new ProducerRecord<>(Topics.SUBSCRIBERS.name(), registered.getSubscriberId(),
                    Topics.SUBSCRIBERS.valueSerde().serializer().serialize(Topics.SUBSCRIBERS.name(), registered)));
        }
        producer.flush();
    }

    /** Each crosser binds a test card and sets a rule (no daily cap to speak of), through the services' APIs. */
    private static List<String> prepareCrossers(StackClient client, SandboxGateway gateway, int crossers) {
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < crossers; n++) {
            String id = crosserId(n);
            String token = gateway.tokenize("4242424242424242", 12, 2035).token();
            StackClient.Answer bound = client.bindPaymentMethod(id, token);
            if (bound.status() != 201) {
                throw new IllegalStateException("binding a card for " + id + " failed: " + bound.body());
            }
            StackClient.Answer rule = client.setAutoTopUpRule(id, Map.of("threshold", Map.of("amount", Long.toString(THRESHOLD),
                    "currency", "LAK"), "topUpAmount", Map.of("amount", Long.toString(TOP_UP), "currency", "LAK"),
                    "maxTopUpsPerDay", 100_000), Duration.ofMinutes(2));
            if (rule.status() != 200) {
                throw new IllegalStateException("the rule of " + id + " was refused: " + rule.body());
            }
            ids.add(id);
        }
        for (String id : ids) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (client.autoTopUpRule(id).status() != 200 || client.balance(id).status() != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(id + " was not ready");
                }
                sleep(100);
            }
        }
        return ids;
    }

    private Result drive(KafkaProducer<String, byte[]> producer, String bootstrap, SmsCentreSimulator smsc, Map<String, Memory> memory,
            double[] rates, int stepSeconds, int warmUpSeconds, int background, List<String> crossers, String balanceUrl,
            Map<String, Long> pids, boolean drain, Path crossingsCsv) throws Exception {
        Hops hops = new Hops();
        Histogram sms = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        Map<String, Long> crossedAt = new ConcurrentHashMap<>();
        Map<String, ConcurrentLinkedQueue<Long>> crossingTimes = new ConcurrentHashMap<>();
        Map<String, Long> balance = new ConcurrentHashMap<>();
        crossers.forEach(id -> balance.put(id, THRESHOLD + 1_000));
        AtomicBoolean stop = new AtomicBoolean();
        Thread outcomes = new Thread(() -> watchOutcomes(bootstrap, crossedAt, hops, balance, stop), "latency-outcomes");
        outcomes.setDaemon(true);
        outcomes.start();
        Thread.sleep(2_000);

        int next = 0;
        long sequence = 0;
        long lastSample = 0;
        double sustained = 0;
        double saturated = Double.NaN;
        Map<String, Double> cpuShare = new java.util.LinkedHashMap<>();
        int warmUpLeft = warmUpSeconds;
        for (double rate : rates) {
            long started = System.nanoTime();
            // the first step only
            long warmUp = (long) (rate * warmUpLeft);
            if (warmUp > 0) {
                // the schedule is by the clock: the warm-up's last record is due then
                hops.measuredFrom.set(System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(warmUpLeft));
            }
            warmUpLeft = 0;
            long total = warmUp + (long) (rate * stepSeconds);
            long halfway = warmUp + (total - warmUp) / 2;
            long halfwayAt = 0;
            double appliedHalfway = 0;
            Map<String, Double> cpuHalfway = new java.util.LinkedHashMap<>();
            for (long i = 0; i < total; i++) {
                if (i == halfway) {
                    halfwayAt = System.nanoTime();
                    appliedHalfway = Ingest.applied(balanceUrl);
                    pids.forEach((process, pid) -> cpuHalfway.put(process, CpuTime.seconds(pid)));
                }
                long due = started + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                Instant now = Instant.now();
                UsageRecorded usage = null;
                if (i % 100 == 0) {
                    // about 1%: a crosser whose last top-up has landed goes below its threshold
                    for (int tries = 0; tries < crossers.size() && usage == null; tries++) {
                        String id = crossers.get(next++ % crossers.size());
                        if (!crossedAt.containsKey(id)) {
                            int n = Integer.parseInt(id.substring("crosser-".length()));
                            long charge = balance.get(id) - AFTER_CROSSING;
                            usage = usage(crosserMsisdn(n), "x-" + sequence++, charge, now);
                            crossedAt.put(id, now.toEpochMilli());
                            crossingTimes.computeIfAbsent(crosserMsisdn(n), key -> new ConcurrentLinkedQueue<>()).add(now.toEpochMilli());
                            balance.put(id, AFTER_CROSSING);
                        }
                    }
                }
                if (usage == null) {
                    usage = usage(Population.msisdn((int) (i % background)), "b-" + sequence++, Population.CHARGE, now);
                }
                producer.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), null, now.toEpochMilli(), usage.getMsisdn(),
                        Topics.USAGE_EVENTS.valueSerde().serializer().serialize(Topics.USAGE_EVENTS.name(), usage)));
                if (System.nanoTime() - lastSample > HEAP_SAMPLE_INTERVAL_NANOS) {
                    lastSample = System.nanoTime();
                    memory.values().forEach(Memory::sample);
                }
            }
            producer.flush();
            double window = (System.nanoTime() - halfwayAt) / 1e9;
            double applied = (Ingest.applied(balanceUrl) - appliedHalfway) / window;
            int cores = Runtime.getRuntime().availableProcessors();
            Map<String, Long> behind = Map.of();
            if (rates.length > 1) {
                // every service, not only the ledger: a step is kept up with when no group is more than 2 s of usage behind
                try (ConsumerLag lag = new ConsumerLag(bootstrap)) {
                    behind = lag.byGroup();
                }
                out.printf("benchmarks | full stack step: offered %,.0f usage events/s, the ledger applied %,.0f/s; behind: %s%n",
                        rate, applied, behind);
            }
            if (applied < KEPT_UP * rate || behind.values().stream().anyMatch(records -> records > 2 * rate)) {
                saturated = applied;
                break;
            }
            sustained = rate;
            cpuShare.clear();
            pids.forEach((process, pid) -> cpuShare.put(process, 100 * (CpuTime.seconds(pid) - cpuHalfway.get(process)) / (window * cores)));
        }
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(drain ? 120 : 0);
        while (!crossedAt.isEmpty() && System.nanoTime() < drainUntil) {
            if (System.nanoTime() - lastSample > HEAP_SAMPLE_INTERVAL_NANOS) {
                lastSample = System.nanoTime();
                memory.values().forEach(Memory::sample);
            }
            sleep(500);
        }
        int unfinished = crossedAt.size();
        stop.set(true);
        outcomes.join(10_000);
        for (SmsCentreSimulator.ReceivedSms received : smsc.inbox()) {
            // SMPP addresses come without the +
            ConcurrentLinkedQueue<Long> times = crossingTimes.get(received.to().startsWith("+") ? received.to() : "+" + received.to());
            Long crossed = times == null ? null : times.poll();
            if (crossed != null && crossed >= hops.measuredFrom.get()) {
                sms.recordValue(Math.max(0, (received.receivedAt().toEpochMilli() - crossed) * 1000));
            }
        }
        Map<String, Long> peakRss = new java.util.LinkedHashMap<>();
        Map<String, Long> peakHeap = new java.util.LinkedHashMap<>();
        memory.forEach((service, sampler) -> {
            peakRss.put(service, sampler.peakRss());
            peakHeap.put(service, sampler.peakHeap());
        });
        hops.write(crossingsCsv);
        return new Result(hops.completed, hops.warmUp, hops.byHop, sms, unfinished, peakRss, peakHeap, sustained, saturated,
                cpuShare);
    }

    /**
     * What the outcome watcher measures of each crossing: the whole way to TopUpCompleted and each hop of it, for the
     * crossings sent from {@link #measuredFrom} on; the whole way of those before, apart. Each crossing is also kept, for
     * {@code crossings.csv} in the run's directory: how the hops moved over the run.
     */
    static final class Hops {
        final Histogram completed = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        final Histogram warmUp = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        /** Epoch ms: the crossings sent before it are the warm-up's. */
        final AtomicLong measuredFrom = new AtomicLong();
        final Map<String, Histogram> byHop = new java.util.LinkedHashMap<>();
        private final List<String> rows = new ArrayList<>();
        /** Per crosser in flight: when its BalanceChanged, then its TopUpRequested, could be read (epoch ms; 0: not yet). */
        private final Map<String, long[]> seen = new java.util.HashMap<>();

        Hops() {
            HOPS.forEach(hop -> byHop.put(hop, new Histogram(TimeUnit.MINUTES.toMicros(5), 3)));
        }

        void balanceChanged(String subscriberId, long atMs) {
            seen.computeIfAbsent(subscriberId, id -> new long[2])[0] = atMs;
        }

        void requested(String subscriberId, long atMs) {
            long[] times = seen.computeIfAbsent(subscriberId, id -> new long[2]);
            if (times[1] == 0) {
                times[1] = atMs;
            }
        }

        boolean balanceSeen(String subscriberId) {
            long[] times = seen.get(subscriberId);
            return times != null && times[0] != 0;
        }

        /** A crossing sent at {@code crossedMs} whose TopUpCompleted could be read at {@code atMs}. */
        void completed(String subscriberId, long crossedMs, long atMs) {
            long[] times = seen.remove(subscriberId);
            boolean hopped = times != null && times[0] != 0 && times[1] != 0;
            rows.add(crossedMs + "," + (crossedMs >= measuredFrom.get()) + "," + (atMs - crossedMs) + ","
                    + (hopped ? (times[0] - crossedMs) + "," + (times[1] - times[0]) + "," + (atMs - times[1]) : ",,"));
            if (crossedMs < measuredFrom.get()) {
                warmUp.recordValue(micros(atMs - crossedMs));
                return;
            }
            completed.recordValue(micros(atMs - crossedMs));
            if (hopped) {
                byHop.get(HOPS.get(0)).recordValue(micros(times[0] - crossedMs));
                byHop.get(HOPS.get(1)).recordValue(micros(times[1] - times[0]));
                byHop.get(HOPS.get(2)).recordValue(micros(atMs - times[1]));
            }
        }

        /** One line per crossing, in the order their TopUpCompleted was read; times in ms. */
        void write(Path csv) throws java.io.IOException {
            java.nio.file.Files.write(csv, java.util.stream.Stream.concat(java.util.stream.Stream.of(
                    "crossed at (epoch ms),measured,to TopUpCompleted,balance-service,rule-engine-service,payment-service"),
                    rows.stream()).toList());
        }

        static String describe(Map<String, Histogram> hops) {
            StringBuilder text = new StringBuilder();
            hops.forEach((hop, histogram) -> text.append(text.isEmpty() ? "" : "; ").append(hop).append(String.format(" %.0f / %.0f ms",
                    histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0)));
            return text.toString();
        }

        private static long micros(long millis) {
            return Math.max(0, millis * 1000);
        }
    }

    /**
     * Records, for each crosser's TopUpCompleted, the time since its crossing usage event, and when each service's output
     * on the way could be read; it may cross again.
     */
    private static void watchOutcomes(String bootstrap, Map<String, Long> crossedAt, Hops hops, Map<String, Long> balance,
            AtomicBoolean stop) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.BALANCE_CHANGES.name(), Topics.TOP_UP_REQUESTS.name(), Topics.TOP_UP_OUTCOMES.name())) {
                consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long seen = System.currentTimeMillis();
                    if (record.topic().equals(Topics.BALANCE_CHANGES.name())) {
                        BalanceChanged changed = Topics.BALANCE_CHANGES.valueSerde().deserializer().deserialize(record.topic(),
                                record.value());
                        // the crossing's debit, not the credit of the top-up before it
                        if (changed.getReason() == BalanceChangeReason.USAGE && crossedAt.containsKey(changed.getSubscriberId())
                                && changed.getNewBalance().getMinorUnits() < THRESHOLD && !hops.balanceSeen(changed.getSubscriberId())) {
                            hops.balanceChanged(changed.getSubscriberId(), seen);
                        }
                    } else if (record.topic().equals(Topics.TOP_UP_REQUESTS.name())) {
                        TopUpRequested requested = Topics.TOP_UP_REQUESTS.valueSerde().deserializer().deserialize(record.topic(),
                                record.value());
                        if (crossedAt.containsKey(requested.getSubscriberId())) {
                            hops.requested(requested.getSubscriberId(), seen);
                        }
                    } else {
                        Object outcome = Topics.TOP_UP_OUTCOMES.valueSerde().deserializer().deserialize(record.topic(), record.value());
                        if (outcome instanceof TopUpCompleted done) {
                            Long crossed = crossedAt.get(done.getSubscriberId());
                            if (crossed != null) {
                                hops.completed(done.getSubscriberId(), crossed, seen);
                                balance.computeIfPresent(done.getSubscriberId(), (id, value) -> value + TOP_UP);
                                crossedAt.remove(done.getSubscriberId());
                            }
                        }
                    }
                }
            }
        }
    }

    private static UsageRecorded usage(String msisdn, String eventId, long charge, Instant at) {
        return UsageRecorded.newBuilder().setEventId(eventId).setCarrierId("loadgen").setMsisdn(msisdn).setUsageType(UsageType.DATA)
                .setUnits(1).setUnit("MB").setCharge(Events.money(charge, "LAK")).setOccurredAt(at).build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
