package io.autotopup.topupctl;

import io.autotopup.events.BalanceChanged;
import io.autotopup.events.Language;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.schemas.Events;
import io.autotopup.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Synthetic carrier traffic: registers subscribers (as bulk provisioning would, straight onto
 * {@code subscribers}), then publishes usage events at a steady rate and measures, for each, the time until
 * balance-service published its {@code BalanceChanged}, in an HdrHistogram.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Generate carrier traffic for load tests: register N subscribers (SubscriberRegistered straight onto 'subscribers', as bulk provisioning would), publish M usage events at R per second spread over them, and report the latency from each usage event to its BalanceChanged (HdrHistogram: p50, p90, p99, p99.9, max). Run it against a test stack: the subscribers and their usage are real to the services.",
        footer = {"", "Examples:", "  topupctl generate --subscribers 1000 --events 20000 --rate 500", "  topupctl generate --subscribers 100 --events 1000 --rate 100 --json"})
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--subscribers", paramLabel = "N", defaultValue = "100", description = "subscribers to register (default ${DEFAULT-VALUE})")
    int subscribers;

    @Option(names = "--events", paramLabel = "M", defaultValue = "1000", description = "usage events to publish (default ${DEFAULT-VALUE})")
    long events;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "100", description = "usage events per second (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--charge", paramLabel = "KIP", defaultValue = "100", description = "charge of each usage event, in kip (default ${DEFAULT-VALUE})")
    long charge;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "how long to wait for the last BalanceChanged after the last usage event (default ${DEFAULT-VALUE})")
    int waitSeconds;

    @Option(names = "--json", description = "print the result as one JSON object (for benchmark scripts)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (subscribers < 1 || subscribers > 1_000_000 || events < 1 || rate <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--subscribers must be 1 to 1,000,000, --events at least 1, --rate above 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String run = Long.toString(System.currentTimeMillis() % 100_000_000L, 36) + ThreadLocalRandom.current().nextInt(100);
        int numberPrefix = ThreadLocalRandom.current().nextInt(1, 10);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        AtomicLong seen = new AtomicLong();
        AtomicLong openings = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread watcher = watch(run, sentAt, latency, seen, openings, stop);
        try (KafkaProducer<String, byte[]> producer = kafka.producer(null, Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
            Progress registering = new Progress(err, "register", subscribers);
            for (int n = 0; n < subscribers; n++) {
                SubscriberRegistered registered = SubscriberRegistered.newBuilder().setSubscriberId(subscriberId(run, n))
                        .setMsisdn(msisdn(numberPrefix, n)).setCurrency("LAK").setLanguage(Language.LO)
                        .setStatus(SubscriberStatus.ACTIVE).setOpeningBalance(Events.money(1_000_000_000L, "LAK"))
                        .setRegisteredAt(Instant.now()).build();
                producer.send(new ProducerRecord<>(Topics.SUBSCRIBERS.name(), registered.getSubscriberId(),
                        Topics.SUBSCRIBERS.valueSerde().serializer().serialize(Topics.SUBSCRIBERS.name(), registered)));
                registering.advance(1);
            }
            producer.flush();
            registering.finish();
            awaitCount(openings, subscribers, Duration.ofSeconds(waitSeconds), err, "opening balances");

            Progress sending = new Progress(err, "usage", events);
            long started = System.nanoTime();
            for (long i = 0; i < events; i++) {
                long due = started + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                int n = (int) (i % subscribers);
                String eventId = "load-" + run + "-" + i;
                UsageRecorded usage = UsageRecorded.newBuilder().setEventId(eventId).setCarrierId("loadgen")
                        .setMsisdn(msisdn(numberPrefix, n)).setUsageType(UsageType.DATA).setUnits(1).setUnit("MB")
                        .setCharge(Events.money(charge, "LAK")).setOccurredAt(Instant.now()).build();
                sentAt.put("loadgen:" + eventId, System.nanoTime());
                producer.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), usage.getMsisdn(),
                        Topics.USAGE_EVENTS.valueSerde().serializer().serialize(Topics.USAGE_EVENTS.name(), usage)));
                sending.advance(1);
            }
            producer.flush();
            sending.finish();
            double sentRate = events / ((System.nanoTime() - started) / 1e9);
            awaitCount(seen, events, Duration.ofSeconds(waitSeconds), err, "balance changes");
            stop.set(true);
            watcher.join(5_000);
            report(out, sentRate, latency, seen.get());
            return seen.get() == events ? 0 : 1;
        } finally {
            stop.set(true);
        }
    }

    /** Reads balance-changes from now on and records the latency of every usage event of this run. */
    private Thread watch(String run, Map<String, Long> sentAt, Histogram latency, AtomicLong seen, AtomicLong openings,
            AtomicBoolean stop) throws InterruptedException {
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        Thread watcher = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(null)) {
                List<TopicPartition> partitions = KafkaOptions.partitions(consumer, Topics.BALANCE_CHANGES.name());
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                ready.countDown();
                String prefix = "load-" + run + "-";
                while (!stop.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (!record.key().startsWith(prefix)) {
                            continue;
                        }
                        BalanceChanged change = Topics.BALANCE_CHANGES.valueSerde().deserializer()
                                .deserialize(record.topic(), record.value());
                        Long sent = sentAt.remove(change.getCausationId());
                        if (sent != null) {
                            latency.recordValue(Math.max(0, (System.nanoTime() - sent) / 1_000));
                            seen.incrementAndGet();
                        } else if (change.getCausationId().startsWith("opening:")) {
                            openings.incrementAndGet();
                        }
                    }
                }
            }
        }, "topupctl-generate-watch");
        watcher.setDaemon(true);
        watcher.start();
        ready.await(30, TimeUnit.SECONDS);
        return watcher;
    }

    private static void awaitCount(AtomicLong count, long expected, Duration patience, PrintWriter err, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (count.get() < expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        if (count.get() < expected) {
            err.printf("only %,d of %,d %s arrived within %s%n", count.get(), expected, what, patience);
        }
    }

    private void report(PrintWriter out, double sentRate, Histogram latency, long seen) {
        if (json) {
            out.printf(java.util.Locale.ROOT, "{\"subscribers\":%d,\"events\":%d,\"applied\":%d,\"rate\":%.1f,\"latencyMs\":{"
                            + "\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}}%n",
                    subscribers, events, seen, sentRate, ms(latency, 50), ms(latency, 90), ms(latency, 99), ms(latency, 99.9),
                    latency.getMaxValue() / 1000.0);
        } else {
            out.printf("%,d usage events to %,d subscribers at %,.0f/s; %,d applied%n", events, subscribers, sentRate, seen);
            out.println("latency usage event -> BalanceChanged (ms):");
            out.printf("  p50 %9.1f%n  p90 %9.1f%n  p99 %9.1f%n  p99.9 %7.1f%n  max %9.1f%n", ms(latency, 50), ms(latency, 90),
                    ms(latency, 99), ms(latency, 99.9), latency.getMaxValue() / 1000.0);
        }
        out.flush();
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    static String subscriberId(String run, int n) {
        return "load-" + run + "-" + n;
    }

    /** A Lao number of this run: +85620 then 8 digits (9, the run's digit, 6 digits of n). */
    static String msisdn(int prefix, int n) {
        return String.format("+856209%d%06d", prefix, n);
    }
}
