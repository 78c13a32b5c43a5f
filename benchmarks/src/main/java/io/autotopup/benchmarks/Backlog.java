package io.autotopup.benchmarks;

import io.autotopup.devstack.ChildProcess;
import io.autotopup.devstack.ConsumerLag;
import io.autotopup.devstack.LocalBroker;
import io.autotopup.events.Language;
import io.autotopup.events.PaymentMethod;
import io.autotopup.events.PaymentMethodType;
import io.autotopup.events.PaymentMethodsChanged;
import io.autotopup.events.SmsMessageType;
import io.autotopup.events.SmsRequested;
import io.autotopup.events.SmsSent;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpRequested;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.sandbox.smsc.SmsCentreSimulator;
import io.autotopup.schemas.Events;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import io.autotopup.topupctl.stack.StackClient;
import io.autotopup.topupctl.stack.StackEndpoints;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The two paths that call a partner, drained from a backlog (10): payment-service settling top-up requests through the
 * sandbox gateway (answering after 20 ms, as in the soak), and notification-service handing requested texts to the SMS
 * centre. Each on a fresh broker, with its service alone: a backlog of requests is written at once, and the rate is
 * how many were settled (an outcome on {@code top-up-outcomes}) or sent ({@code SmsSent} on {@code notifications}) per
 * second, from the first to the last. Both services commit a Kafka transaction around their work, so this is the figure
 * their transactions bound; a service that falls behind the rule engine or the ledger in the soak does so here first.
 */
final class Backlog {

    private static final long GATEWAY_MS = 20;

    private final Jvm jvm;
    private final Path root;
    private final Path work;
    private final BenchmarkSuite.Options options;
    private final PrintStream out;
    private int measurements;

    Backlog(Jvm jvm, Path root, Path work, BenchmarkSuite.Options options, PrintStream out) {
        this.jvm = jvm;
        this.root = root;
        this.work = work;
        this.options = options;
        this.out = out;
    }

    void run(Report report) throws Exception {
        String section = "10. Payments and texts from a backlog";
        List<Double> settled = new ArrayList<>();
        List<Double> sent = new ArrayList<>();
        for (int run = 1; run <= options.runs; run++) {
            settled.add(topUps(options.backlog));
            sent.add(texts(options.backlog));
            out.printf("benchmarks | backlog run %d: %,.1f top-ups settled/s, %,.1f texts sent/s%n", run,
                    settled.get(run - 1), sent.get(run - 1));
        }
        report.add(section, "top-up requests settled per second, one payment-service instance", "requests/s", settled,
                options.backlog + " requests written at once; gateway answering after " + GATEWAY_MS + " ms");
        report.add(section, "texts handed to the SMS centre per second, one notification-service instance", "texts/s", sent,
                options.backlog + " SmsRequested written at once; SMS centre without throttling");
    }

    /** Settled top-ups per second: from the first outcome to the last. */
    private double topUps(int count) throws Exception {
        measurements++;
        Path dir = work.resolve("backlog-" + measurements);
        try (LocalBroker broker = LocalBroker.start(dir, 19592 + measurements * 10, 19593 + measurements * 10,
                jvm.log("backlog-broker-" + measurements));
             SandboxGateway gateway = SandboxGateway.start(0);
             KafkaProducer<String, byte[]> producer = producer(broker.bootstrap())) {
            gateway.setFaults(new SandboxGateway.Faults(GATEWAY_MS, false));
            new Population(broker.bootstrap()).createCatalogueTopics();
            Instant now = Instant.now();
            for (int n = 0; n < count; n++) {
                SandboxGateway.TokenInfo token = gateway.tokenize("4242424242424242", 12, 2035);
                PaymentMethodsChanged methods = PaymentMethodsChanged.newBuilder().setSubscriberId(subscriberId(n)).setChangedAt(now)
                        .setMethods(List.of(PaymentMethod.newBuilder().setPaymentMethodId("pm_backlog_" + n)
                                .setType(PaymentMethodType.CARD)
                                .setGatewayToken("").setSealedToken(Jvm.PAYMENT_TOKENS.seal(subscriberId(n), "pm_backlog_" + n, token.token()))
                                .setBrand(token.brand())
                                .setLast4(token.last4()).setExpiryMonth(token.expMonth()).setExpiryYear(token.expYear())
                                .setFingerprint(token.fingerprint()).setPriority(1).setIsDefault(true).build()))
                        .build();
                send(producer, Topics.PAYMENT_METHODS, subscriberId(n), methods);
            }
            producer.flush();
            try (ChildProcess service = start("payment-service", broker.bootstrap(), dir,
                    "--autotopup.gateway.base-url=" + gateway.baseUrl(), Jvm.PAYMENT_TOKEN_KEYS)) {
                awaitCaughtUp(broker.bootstrap(), "payment-service");
                for (int n = 0; n < count; n++) {
                    send(producer, Topics.TOP_UP_REQUESTS, subscriberId(n), TopUpRequested.newBuilder()
                            .setRequestId(UUID.randomUUID().toString()).setSubscriberId(subscriberId(n))
                            .setAmount(Events.money(50_000, "LAK")).setTriggeringEventId("backlog-" + n)
                            .setRequestedAt(now).setReason(io.autotopup.events.TopUpReason.AUTO).build());
                }
                producer.flush();
                double rate = rate(broker.bootstrap(), Topics.TOP_UP_OUTCOMES, count, value -> true);
                long completed = gateway.charges().size();
                out.printf("benchmarks | backlog: %,d top-ups settled at %,.1f/s, %,d charges at the gateway%n", count, rate, completed);
                return rate;
            }
        }
    }

    /** Texts sent per second: from the first {@code SmsSent} to the last. */
    private double texts(int count) throws Exception {
        measurements++;
        Path dir = work.resolve("backlog-" + measurements);
        try (LocalBroker broker = LocalBroker.start(dir, 19592 + measurements * 10, 19593 + measurements * 10,
                jvm.log("backlog-broker-" + measurements));
             SmsCentreSimulator smsc = SmsCentreSimulator.start(0, 0);
             KafkaProducer<String, byte[]> producer = producer(broker.bootstrap())) {
            new Population(broker.bootstrap()).createCatalogueTopics();
            ChildProcess service = start("notification-service", broker.bootstrap(), dir,
                    "--autotopup.smpp.port=" + smsc.smppPort(), "--autotopup.smpp.messages-per-second=1000",
                    "--autotopup.verification.key=" + java.util.Base64.getEncoder().encodeToString(
                            "benchmark-one-time-code-key-32b!".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            try (service) {
                return sendTexts(broker.bootstrap(), smsc, producer, count);
            }
        }
    }

    private double sendTexts(String bootstrap, SmsCentreSimulator smsc, KafkaProducer<String, byte[]> producer, int count)
            throws Exception {
        awaitCaughtUp(bootstrap, "notification-service");
        Instant now = Instant.now();
        for (int n = 0; n < count; n++) {
            send(producer, Topics.NOTIFICATIONS, subscriberId(n), SmsRequested.newBuilder().setSmsId("sms-backlog-" + n)
                    .setSubscriberId(subscriberId(n)).setMsisdn(String.format("+85620800%05d", n)).setLanguage(Language.EN)
                    .setMessageType(SmsMessageType.TOP_UP_SUCCEEDED).setText("Topped up 50,000 LAK. Balance 60,000 LAK.")
                    .setSourceEventId("backlog-" + n).setRequestedAt(now).build());
        }
        producer.flush();
        double rate = rate(bootstrap, Topics.NOTIFICATIONS, count, value -> value instanceof SmsSent);
        out.printf("benchmarks | backlog: %,d texts sent at %,.1f/s, %,d at the SMS centre%n", count, rate, smsc.inbox().size());
        return rate;
    }

    private ChildProcess start(String service, String bootstrap, Path dir, String... more) throws Exception {
        int port = Ingest.freePort();
        List<String> arguments = new ArrayList<>(options.serviceJvmUnderLoad());
        arguments.addAll(List.of("-jar", options.jar(root, service).toString(),
                "--spring.kafka.bootstrap-servers=" + bootstrap, "--server.port=" + port, "--server.address=127.0.0.1",
                "--spring.kafka.streams.state-dir=" + dir.resolve("state"), "--logging.level.root=WARN"));
        arguments.addAll(List.of(more));
        ChildProcess process = jvm.start("backlog-" + measurements + "-" + service, arguments, Jvm.SERVICE_ENVIRONMENT);
        String url = "http://127.0.0.1:" + port;
        try (StackClient client = new StackClient(new StackEndpoints(bootstrap, url, url, url, url, url, url, url, null, null))) {
            client.awaitHealthy(url, Duration.ofMinutes(3));
        }
        return process;
    }

    /** Until every consumer group of the service has read all there is (its copy of the payment methods, say). */
    private static void awaitCaughtUp(String bootstrap, String service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        try (ConsumerLag lag = new ConsumerLag(bootstrap)) {
            while (true) {
                Map<String, Long> behind = lag.byGroup();
                if (behind.keySet().stream().anyMatch(group -> group.startsWith(service))
                        && behind.entrySet().stream().filter(group -> group.getKey().startsWith(service)).allMatch(group -> group.getValue() == 0)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(service + " did not catch up: " + behind);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Reads the topic (committed records only) until {@code count} values match; their count per second, first to last. */
    private static <V extends SpecificRecord> double rate(String bootstrap, Topic<String, V> topic, int count, Predicate<V> counted) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "backlog-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic.name()));
            Set<String> seen = new HashSet<>();
            long first = 0;
            long last = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
            while (seen.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + seen.size() + " of " + count + " on " + topic.name() + " after 20 minutes");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    V value = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
                    if (counted.test(value) && seen.add(record.key() + "|" + identity(value))) {
                        first = first == 0 ? record.timestamp() : Math.min(first, record.timestamp());
                        last = Math.max(last, record.timestamp());
                    }
                }
            }
            return (count - 1) * 1000.0 / Math.max(1, last - first);
        }
    }

    private static String identity(SpecificRecord value) {
        if (value instanceof TopUpCompleted completed) {
            return completed.getRequestId();
        }
        if (value instanceof io.autotopup.events.TopUpFailed failed) {
            return failed.getRequestId();
        }
        if (value instanceof SmsSent sms) {
            return sms.getSmsId();
        }
        return value.toString();
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, Topic<String, V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
    }

    private static String subscriberId(int n) {
        return "backlog-" + n;
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
                new ByteArraySerializer());
    }
}
