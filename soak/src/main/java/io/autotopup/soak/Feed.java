package io.autotopup.soak;

import io.autotopup.events.Language;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.schemas.Events;
import io.autotopup.schemas.Topics;
import io.autotopup.topupctl.stack.StackClient;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The carrier: subscribers registered on the {@code subscribers} topic, each with a card bound through payment-service
 * (a share of them cards that decline) and a FIXED or TARGET rule set through the rule engine (a share with a daily cap
 * of two); then usage at a steady rate with what carriers really send: redeliveries of events already sent, events out
 * of order, poison records that are not Avro at all and numbers nobody registered.
 */
final class Feed {

    static final String CARRIER = "soak-carrier";
    static final long OPENING = 30_000;
    static final long THRESHOLD = 10_000;
    static final long TOP_UP = 50_000;
    static final long TARGET = 60_000;

    /** The share of usage records that are each kind of bad input or repetition. */
    static final double REDELIVERED = 0.02;
    static final double OUT_OF_ORDER = 0.05;
    static final double POISON = 0.01;
    static final double UNKNOWN_NUMBER = 0.005;

    private final int subscribers;
    private final long seed;
    private final PrintStream out;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong poison = new AtomicLong();
    final AtomicLong unknown = new AtomicLong();
    final AtomicLong redelivered = new AtomicLong();
    final AtomicLong failedSends = new AtomicLong();

    Feed(int subscribers, long seed, PrintStream out) {
        this.subscribers = subscribers;
        this.seed = seed;
        this.out = out;
    }

    static String subscriberId(int n) {
        return "soak-" + n;
    }

    static String msisdn(int n) {
        return String.format("+856205%07d", n);
    }

    /** Which test card subscriber {@code n} binds: most succeed, one in ten declines. */
    static String card(int n) {
        return switch (n % 20) {
            case 7 -> "4000000000000002"; // do not honour
            case 13 -> "4000000000009995"; // insufficient funds
            case 3, 11 -> "5555555555554444";
            default -> "4242424242424242";
        };
    }

    /**
     * The carrier registers everyone on the {@code subscribers} topic, and a migration imports the cards and rules of all
     * but the first {@link #VIA_THE_APIS}: written before the services start, which read them as they start.
     */
    void register(Stack stack) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(stack.brokers.bootstrap())) {
            Instant now = Instant.now();
            for (int n = 0; n < subscribers; n++) {
                SubscriberRegistered registered = SubscriberRegistered.newBuilder().setSubscriberId(subscriberId(n))
                        .setMsisdn(msisdn(n)).setCurrency("LAK").setLanguage(Language.values()[n % Language.values().length])
                        .setStatus(SubscriberStatus.ACTIVE).setOpeningBalance(Events.money(OPENING, "LAK")).setRegisteredAt(now).build();
                producer.send(new ProducerRecord<>(Topics.SUBSCRIBERS.name(), registered.getSubscriberId(),
                        Topics.SUBSCRIBERS.valueSerde().serializer().serialize(Topics.SUBSCRIBERS.name(), registered)));
            }
            producer.flush();
        }
        importInBulk(stack, Math.min(subscribers, VIA_THE_APIS), subscribers);
    }

    /** The first {@link #VIA_THE_APIS} bind their cards and set their rules through the services' own APIs, as people do. */
    void prepare(Stack stack, StackClient client) throws Exception {
        SandboxGateway gateway = stack.gateway;
        long started = System.nanoTime();
        AtomicLong ready = new AtomicLong();
        java.util.concurrent.ExecutorService people = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            // people sign up once the services have read the carrier's registrations (and the import)
            long settled = Soak.settle(stack.brokers.bootstrap(), Duration.ofMinutes(15), out);
            out.printf("soak | the services read the registrations and the import in %.0f s%n", settled / 1000.0);
            for (int n = 0; n < Math.min(subscribers, VIA_THE_APIS); n++) {
                int subscriber = n;
                done.add(people.submit(() -> {
                    prepareOne(stack, client, gateway, subscriber);
                    if (ready.incrementAndGet() % 1_000 == 0) {
                        out.printf("soak | %,d subscribers ready (%.0f s)%n", ready.get(), (System.nanoTime() - started) / 1e9);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> one : done) {
                one.get();
            }
        } finally {
            people.shutdownNow();
        }
        int viaApis = Math.min(subscribers, VIA_THE_APIS);
        out.printf("soak | %d subscribers through the APIs: binding a card took %.0f ms on average, setting a rule %.0f ms;"
                + " %,d more imported onto the topics%n", viaApis, bindNanos.get() / 1e6 / viaApis, ruleNanos.get() / 1e6 / viaApis,
                subscribers - viaApis);
    }

    /**
     * How many subscribers bind their card and set their rule through the services' APIs, as people do; the rest are
     * imported onto the topics as a carrier's migration would write them, the same events the services write, so that
     * ten thousand subscribers are ready in seconds.
     */
    static final int VIA_THE_APIS = 200;

    private void importInBulk(Stack stack, int from, int to) throws Exception {
        if (from >= to) {
            return;
        }
        try (KafkaProducer<String, byte[]> producer = producer(stack.brokers.bootstrap())) {
            Instant now = Instant.now();
            for (int n = from; n < to; n++) {
                String id = subscriberId(n);
                SandboxGateway.TokenInfo token = stack.gateway.tokenize(card(n), 12, 2035);
                io.autotopup.events.PaymentMethodsChanged methods = io.autotopup.events.PaymentMethodsChanged.newBuilder()
                        .setSubscriberId(id).setChangedAt(now).setMethods(List.of(io.autotopup.events.PaymentMethod.newBuilder()
                                .setPaymentMethodId("pm_soak_" + n).setType(io.autotopup.events.PaymentMethodType.CARD)
                                .setGatewayToken("").setSealedToken(Stack.PAYMENT_TOKENS.seal(id, "pm_soak_" + n, token.token())).setBrand(token.brand()).setLast4(token.last4())
                                .setExpiryMonth(token.expMonth()).setExpiryYear(token.expYear()).setFingerprint(token.fingerprint())
                                .setPriority(1).setIsDefault(true).build())).build();
                producer.send(new ProducerRecord<>(Topics.PAYMENT_METHODS.name(), id,
                        Topics.PAYMENT_METHODS.valueSerde().serializer().serialize(Topics.PAYMENT_METHODS.name(), methods)));
                io.autotopup.rules.domain.AutoTopUpRule rule = new io.autotopup.rules.domain.AutoTopUpRule(THRESHOLD,
                        n % 3 == 2 ? io.autotopup.rules.domain.AutoTopUpRule.Mode.TARGET : io.autotopup.rules.domain.AutoTopUpRule.Mode.FIXED,
                        n % 3 == 2 ? 0 : TOP_UP, n % 3 == 2 ? TARGET : null, "LAK", null, n % 10 == 9 ? 2 : 1_000,
                        null, io.autotopup.rules.domain.AutoTopUpRule.DEFAULT_TIME_ZONE, true);
                io.autotopup.events.AutoTopUpRuleSet set = io.autotopup.rules.adapter.in.kafka.RuleMapping.toEvent(id, rule, now);
                producer.send(new ProducerRecord<>(Topics.AUTO_TOP_UP_RULES.name(), id,
                        Topics.AUTO_TOP_UP_RULES.valueSerde().serializer().serialize(Topics.AUTO_TOP_UP_RULES.name(), set)));
            }
            producer.flush();
        }
    }

    /** Time spent binding cards and setting rules through the APIs, over every subscriber who did. */
    private final AtomicLong bindNanos = new AtomicLong();
    private final AtomicLong ruleNanos = new AtomicLong();

    /** A person signs up in the app: binds their card, then sets the rule that names no card (the default one pays). */
    private void prepareOne(Stack stack, StackClient client, SandboxGateway gateway, int n) throws InterruptedException {
        String id = subscriberId(n);
        client.useToken(id, stack.issuer.subscriberToken(id));
        String token = gateway.tokenize(card(n), 12, 2035).token();
        long t0 = System.nanoTime();
        StackClient.Answer bound = bindWithPatience(client, id, token);
        bindNanos.addAndGet(System.nanoTime() - t0);
        if (bound.status() != 201) {
            throw new IllegalStateException("binding a card for " + id + " failed: " + bound.status() + " " + bound.body());
        }
        Map<String, Object> rule = new java.util.HashMap<>(Map.of(
                "threshold", Map.of("amount", Long.toString(THRESHOLD), "currency", "LAK"),
                "maxTopUpsPerDay", n % 10 == 9 ? 2 : 1_000));
        if (n % 3 == 2) {
            rule.put("mode", "TARGET");
            rule.put("targetBalance", Map.of("amount", Long.toString(TARGET), "currency", "LAK"));
        } else {
            rule.put("topUpAmount", Map.of("amount", Long.toString(TOP_UP), "currency", "LAK"));
        }
        long t1 = System.nanoTime();
        StackClient.Answer set = client.setAutoTopUpRule(id, rule, Duration.ofMinutes(5));
        ruleNanos.addAndGet(System.nanoTime() - t1);
        if (set.status() != 200) {
            throw new IllegalStateException("the rule of " + id + " was refused: " + set.status() + " " + set.body());
        }
    }

    private static StackClient.Answer bindWithPatience(StackClient client, String id, String token) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        StackClient.Answer bound = client.bindPaymentMethod(id, token);
        // 404 while payment-service has not read the registration yet
        while (bound.status() == 404 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            bound = client.bindPaymentMethod(id, token);
        }
        return bound;
    }

    /** Sends usage at {@code rate} per second until {@code until} (System.nanoTime), or until stopped. */
    void drive(String bootstrap, double rate, long until, java.util.function.BooleanSupplier stopped) throws InterruptedException {
        Random random = new Random(seed);
        List<byte[]> recent = new ArrayList<>();
        List<String> recentKeys = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            long started = System.nanoTime();
            for (long i = 0; System.nanoTime() < until && !stopped.getAsBoolean(); i++) {
                long due = started + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                double dice = random.nextDouble();
                String key;
                byte[] value;
                if (dice < POISON) {
                    key = msisdn(random.nextInt(subscribers));
                    value = ("not avro: " + i).getBytes(StandardCharsets.UTF_8);
                    poison.incrementAndGet();
                } else if (dice < POISON + REDELIVERED && !recent.isEmpty()) {
                    int pick = random.nextInt(recent.size());
                    key = recentKeys.get(pick);
                    value = recent.get(pick);
                    redelivered.incrementAndGet();
                } else {
                    boolean stranger = dice < POISON + REDELIVERED + UNKNOWN_NUMBER;
                    key = stranger ? String.format("+856209999%04d", random.nextInt(10_000)) : msisdn(random.nextInt(subscribers));
                    Instant at = Instant.now();
                    if (random.nextDouble() < OUT_OF_ORDER) {
                        at = at.minusMillis(random.nextInt(120_000));
                    }
                    UsageRecorded usage = UsageRecorded.newBuilder().setEventId("u-" + seed + "-" + i).setCarrierId(CARRIER)
                            .setMsisdn(key).setUsageType(UsageType.values()[random.nextInt(UsageType.values().length)])
                            .setUnits(1 + random.nextInt(50)).setUnit("MB")
                            .setCharge(Events.money(100L * (2 + random.nextInt(14)), "LAK")).setOccurredAt(at).build();
                    value = Topics.USAGE_EVENTS.valueSerde().serializer().serialize(Topics.USAGE_EVENTS.name(), usage);
                    if (stranger) {
                        unknown.incrementAndGet();
                    } else if (recent.size() < 1_000) {
                        recent.add(value);
                        recentKeys.add(key);
                    } else {
                        int slot = random.nextInt(recent.size());
                        recent.set(slot, value);
                        recentKeys.set(slot, key);
                    }
                }
                producer.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), key, value), (metadata, error) -> {
                    if (error != null) {
                        failedSends.incrementAndGet();
                    }
                });
                sent.incrementAndGet();
            }
            producer.flush();
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000), new StringSerializer(), new ByteArraySerializer());
    }
}
