package io.autotopup.payment;

import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.Header;
import io.autotopup.schemas.EventHeaders;
import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autotopup.events.PaymentMethodsChanged;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpFailureReason;
import io.autotopup.events.TopUpRequested;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.schemas.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import io.autotopup.platform.security.Scopes;
import io.autotopup.platform.testing.LocalHttp;
import io.autotopup.platform.testing.TestIssuer;
import io.autotopup.platform.testing.SingleBrokerKafka;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** payment-service wired to a real broker and the sandbox gateway: one outcome per request, nothing blocked. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        args = "--spring.config.name=" + PaymentServiceApplication.CONFIG_NAME,
        properties = {"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "spring.kafka.streams.state-dir=${java.io.tmpdir}/autotopup-it/${random.uuid}",
                "autotopup.gateway.breaker-open-for=2s", "autotopup.gateway.initial-backoff=50ms",
                "autotopup.payment.retry.delays=1s,3s"})
@SingleBrokerKafka
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class PaymentServiceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final SandboxGateway GATEWAY = startGateway();

    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    StreamsBuilderFactoryBean streams;
    @Autowired
    org.springframework.kafka.core.DefaultKafkaProducerFactory<String, SpecificRecord> producerFactory;
    @Value("${local.server.port}")
    int port;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;
    @Autowired
    io.autotopup.payment.adapter.out.kafka.KafkaPaymentMethodRepository paymentMethods;

    private static final String TOKEN_KEYS = "it-2026:" + java.util.Base64.getEncoder().encodeToString(
            "payment-it-token-key-32-bytes!!!".getBytes(StandardCharsets.US_ASCII));
    private static final TestIssuer ISSUER = TestIssuer.start();
    private static final String PAYMENTS_READER = ISSUER.machineToken("support", Scopes.PAYMENTS_READ);
    private static final String RECONCILER = ISSUER.machineToken("operator", Scopes.PAYMENTS_RECONCILE);

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        registry.add("autotopup.gateway.base-url", GATEWAY::baseUrl);
        registry.add("autotopup.payment.token-keys", () -> TOKEN_KEYS);
        ISSUER.trustedBy(0).forEach((name, value) -> registry.add(name, () -> value));
    }

    @AfterAll
    static void stopGateway() {
        GATEWAY.close();
        ISSUER.close();
    }

    @BeforeEach
    void streamsRunning() {
        await().atMost(PATIENCE).until(() -> streams.getKafkaStreams() != null
                && streams.getKafkaStreams().state() == KafkaStreams.State.RUNNING);
    }

    @Test
    void an_undecodable_request_goes_to_the_dead_letter_topic_and_the_next_request_gets_its_outcome() throws Exception {
        publish(Topics.TOP_UP_REQUESTS.name(), "sub-nobody", "not avro".getBytes(StandardCharsets.UTF_8));
        publish(Topics.TOP_UP_REQUESTS.name(), "sub-nobody", request("req-no-method", "sub-nobody", null));

        List<SpecificRecord> outcomes = outcomesFor("req-no-method", 1);
        assertThat(outcomes).singleElement().isInstanceOfSatisfying(TopUpFailed.class, failed -> {
            assertThat(failed.getReason()).isEqualTo(TopUpFailureReason.NO_PAYMENT_METHOD);
            assertThat(failed.getIsFinal()).isTrue();
        });
        ConsumerRecord<byte[], byte[]> dead = readOne(Topics.TOP_UP_REQUESTS.deadLetterTopic());
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
        assertThat(new String(dead.headers().lastHeader("autotopup-dlt-reason").value(), StandardCharsets.UTF_8))
                .isEqualTo("UNDECODABLE");
        assertThat(new String(dead.headers().lastHeader("autotopup-dlt-detail").value(), StandardCharsets.UTF_8))
                .contains("Not an Avro record");
    }

    @Test
    void a_request_delivered_again_even_after_the_gateway_forgot_its_key_is_not_charged_twice() throws Exception {
        bind("sub-alice", "4242424242424242");
        byte[] request = request("req-alice-1", "sub-alice", null);
        publish(Topics.TOP_UP_REQUESTS.name(), "sub-alice", request);
        assertThat(outcomesFor("req-alice-1", 1)).singleElement().isInstanceOf(TopUpCompleted.class);
        await().atMost(PATIENCE).until(() -> get("/v1/payments/req-alice-1").statusCode() == 200);

        GATEWAY.advanceClock(Duration.ofHours(25));
        publish(Topics.TOP_UP_REQUESTS.name(), "sub-alice", request);
        publish(Topics.TOP_UP_REQUESTS.name(), "sub-alice", request("req-alice-marker", "sub-alice", null));

        assertThat(outcomesUntil("req-alice-1", "req-alice-marker")).as("one outcome, ever").hasSize(1);
        assertThat(chargesOf("req-alice-1")).as("one charge, ever").hasSize(1);
    }

    /**
     * A crash between the charge and the commit: while the gateway holds its answer, this instance's producer
     * is fenced (it is now a zombie: its transaction cannot commit), it stops, and a second instance takes
     * the partition over and settles the request. The gateway answers the second charge under the same key.
     * Runs last: it leaves this instance stopped.
     */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void a_crash_after_the_charge_and_before_the_commit_charges_once_and_completes_once() throws Exception {
        bind("sub-frank", "4242424242424242");
        GATEWAY.setFaults(new SandboxGateway.Faults(0, false, 0, 1_500));
        ConfigurableApplicationContext takeover = null;
        try {
            publish(Topics.TOP_UP_REQUESTS.name(), "sub-frank", request("req-frank-1", "sub-frank", null));
            await().atMost(PATIENCE).until(() -> !chargesOf("req-frank-1").isEmpty());
            GATEWAY.setFaults(new SandboxGateway.Faults(0, false));
            fenceTheListenersProducers();
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/actuator/health").body())
                    .as("the zombie says it is down").contains("\"status\":\"DOWN\""));

            takeover = new SpringApplicationBuilder(PaymentServiceApplication.class).run(
                    "--spring.config.name=" + PaymentServiceApplication.CONFIG_NAME, "--server.port=0",
                    "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                    "--spring.kafka.streams.state-dir=" + java.nio.file.Files.createTempDirectory("payment-takeover"),
                    "--autotopup.gateway.base-url=" + GATEWAY.baseUrl(), "--autotopup.payment.token-keys=" + TOKEN_KEYS,
                    ISSUER.trustedByArguments(0).get(0),
                    ISSUER.trustedByArguments(0).get(1), ISSUER.trustedByArguments(0).get(2));
            publish(Topics.TOP_UP_REQUESTS.name(), "sub-frank", request("req-frank-marker", "sub-frank", null));

            assertThat(outcomesUntil("req-frank-1", "req-frank-marker")).as("one outcome").singleElement()
                    .isInstanceOf(TopUpCompleted.class);
            assertThat(chargesOf("req-frank-1")).as("one charge").hasSize(1);
        } finally {
            GATEWAY.setFaults(new SandboxGateway.Faults(0, false));
            if (takeover != null) {
                takeover.close();
            }
        }
    }

    private void fenceTheListenersProducers() {
        String prefix = producerFactory.getTransactionIdPrefix();
        for (int n = 0; n < 4; n++) {
            Map<String, Object> props = KafkaTestUtils.producerProps(broker.getBrokersAsString());
            props.put("transactional.id", prefix + n);
            try (KafkaProducer<byte[], byte[]> zombieKiller = new KafkaProducer<>(props, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                zombieKiller.initTransactions();
            }
        }
    }

    /**
     * Reconciliation over a window with three planted faults: a charge made at the gateway for a request that has no
     * outcome (it is credited, once), a recorded top-up whose amount differs from its charge, and a completed top-up
     * the gateway has no charge for (both reported, on the topic and the gauge). Runs first: the gateway's clock is
     * still the machine's.
     */
    @Test
    @org.junit.jupiter.api.Order(1)
    void reconciliation_credits_a_charge_without_an_outcome_once_and_reports_what_it_cannot_prove() throws Exception {
        Instant from = Instant.now().minusSeconds(1);
        String gapMethod = bind("sub-gap", "4242424242424242");
        String gapCharge = chargeAtTheGateway("sub-gap", gapMethod, "req-gap", 50_000);

        bind("sub-differs", "4242424242424242");
        publish(Topics.TOP_UP_REQUESTS.name(), "sub-differs", request("req-differs", "sub-differs", null));
        assertThat(outcomesFor("req-differs", 1)).singleElement().isInstanceOf(TopUpCompleted.class);
        String differsCharge = chargesOf("req-differs").get(0).id();
        plantPayment("req-differs", "sub-differs", 40_000, differsCharge);
        plantPayment("req-phantom", "sub-phantom", 50_000, "ch_nowhere");
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(get("/v1/payments/req-phantom").statusCode()).isEqualTo(200);
            assertThat(get("/v1/payments/req-differs").body()).contains("40000");
        });

        HttpResponse<String> run = reconcile(from, Instant.now());

        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.body());
        Map<String, String> found = new java.util.TreeMap<>();
        report.path("discrepancies").forEach(d -> found.put(d.path("requestId").asText(),
                d.path("kind").asText() + " " + d.path("resolution").asText()));
        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of(
                "req-gap", "CHARGED_NOT_COMPLETED REPAIRED",
                "req-differs", "AMOUNT_DIFFERS REPORTED",
                "req-phantom", "COMPLETED_WITHOUT_CHARGE REPORTED"));
        assertThat(outcomesFor("req-gap", 1)).as("the charge is credited").singleElement()
                .isInstanceOfSatisfying(TopUpCompleted.class, completed -> {
                    assertThat(completed.getPaymentReference()).isEqualTo(gapCharge);
                    assertThat(completed.getPaymentMethodId()).isEqualTo(gapMethod);
                    assertThat(completed.getAmount().getMinorUnits()).isEqualTo(50_000);
                });
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/v1/payments/req-gap").body())
                .contains("\"outcome\":\"COMPLETED\""));
        assertThat(meters.get("autotopup.reconciliation.unresolved").gauge().value()).isEqualTo(2.0);
        assertThat(reconciliationKeys()).contains("CHARGED_NOT_COMPLETED:" + gapCharge, "AMOUNT_DIFFERS:" + differsCharge,
                "COMPLETED_WITHOUT_CHARGE:req-phantom");

        HttpResponse<String> again = reconcile(from, Instant.now());
        assertThat(again.body()).as("credited once: the second run finds it settled").doesNotContain("REPAIRED")
                .contains("req-differs", "req-phantom");
        assertThat(outcomesUntil("req-gap", markerAfterward("sub-gap"))).as("one outcome, ever").hasSize(1);

        assertThat(new LocalHttp(port).as(PAYMENTS_READER).post("/v1/reconciliations", "{}").statusCode())
                .as("reading payments is not enough to reconcile").isEqualTo(403);
        assertThat(new LocalHttp(port).as(RECONCILER).post("/v1/reconciliations",
                "{\"from\":\"yesterday\",\"to\":\"today\"}").body()).contains("ISO-8601");
    }

    private HttpResponse<String> reconcile(Instant from, Instant to) throws Exception {
        return new LocalHttp(port).as(RECONCILER).post("/v1/reconciliations",
                "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}");
    }

    /** Publishes a request of the subscriber and waits for its outcome: a marker behind everything before it. */
    private String markerAfterward(String subscriberId) throws Exception {
        String marker = "req-marker-" + UUID.randomUUID();
        publish(Topics.TOP_UP_REQUESTS.name(), subscriberId, request(marker, subscriberId, null));
        return marker;
    }

    /** Charges a subscriber's card at the gateway as payment-service would, for a request it never settles. */
    private static String chargeAtTheGateway(String subscriberId, String methodId, String requestId, long amount) throws Exception {
        String token = GATEWAY.tokenize("4242424242424242", 12, 2035).token();
        java.net.http.HttpResponse<String> charged = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(GATEWAY.baseUrl() + "/v1/charges"))
                .header("Idempotency-Key", "topup-" + requestId + "-" + methodId).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\",\"amount\":" + amount
                        + ",\"currency\":\"LAK\",\"metadata\":{\"requestId\":\"" + requestId + "\",\"subscriberId\":\""
                        + subscriberId + "\",\"paymentMethodId\":\"" + methodId + "\"}}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(charged.statusCode()).as(charged.body()).isEqualTo(201);
        return charged.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
    }

    /** Writes a completed payment into the books directly, as a fault of ours would. */
    private void plantPayment(String requestId, String subscriberId, long amount, String reference) throws Exception {
        io.autotopup.events.PaymentRecorded planted = io.autotopup.events.PaymentRecorded.newBuilder().setRequestId(requestId)
                .setSubscriberId(subscriberId).setAmount(money(amount, "LAK"))
                .setAttempts(List.of(io.autotopup.events.ChargeAttempt.newBuilder().setPaymentMethodId("pm-planted")
                        .setIdempotencyKey("topup-" + requestId + "-pm-planted")
                        .setResult(io.autotopup.events.ChargeAttemptResult.SUCCEEDED).setPaymentReference(reference)
                        .setAt(Instant.now()).build()))
                .setCompleted(true).setSettledAt(Instant.now()).build();
        publish(Topics.PAYMENTS.name(), requestId,
                Topics.PAYMENTS.valueSerde().serializer().serialize(Topics.PAYMENTS.name(), planted));
    }

    private List<String> reconciliationKeys() {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-rec-" + UUID.randomUUID(), false);
        props.put("isolation.level", "read_committed");
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.subscribe(List.of(Topics.PAYMENT_RECONCILIATION.name()));
            await().atMost(PATIENCE).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(record -> keys.add(new String(record.key(), StandardCharsets.UTF_8)));
                return keys.size() >= 3;
            });
        }
        return keys;
    }

    /** Issue 28: a wallet (no last four digits) was charged, then its request dead-lettered, never credited. */
    @Test
    void every_kind_of_method_is_charged_and_completes_its_top_up() throws Exception {
        Map<String, String> methods = new java.util.LinkedHashMap<>();
        methods.put("sub-kind-card", bind("sub-kind-card", "4242424242424242"));
        for (String wallet : List.of("ALIPAY", "WECHAT_PAY", "BCEL_ONEPAY")) {
            String subscriber = "sub-kind-" + wallet.toLowerCase(java.util.Locale.ROOT);
            methods.put(subscriber, bindWallet(subscriber, wallet));
        }
        methods.forEach((subscriber, method) -> {
            try {
                publish(Topics.TOP_UP_REQUESTS.name(), subscriber, request("req-" + subscriber, subscriber, null));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        methods.forEach((subscriber, method) -> {
            assertThat(outcomesFor("req-" + subscriber, 1)).as(subscriber).singleElement()
                    .isInstanceOfSatisfying(TopUpCompleted.class, completed -> {
                        assertThat(completed.getPaymentMethodId()).isEqualTo(method);
                        assertThat(completed.getPaymentReference()).isEqualTo(chargesOf("req-" + subscriber).get(0).id());
                    });
            assertThat(chargesOf("req-" + subscriber)).as("charged once").hasSize(1);
        });
        assertThat(deadLettersOf(methods.keySet())).as("nothing charged is dead-lettered").isEmpty();
    }

    /**
     * The gateway charges, then the outcome cannot be written (the broker refuses it: the topic's largest message is
     * made smaller than an outcome, as a misconfigured topic would): the request is held, retried and never dead-lettered, and once the outcome can be
     * written the top-up completes, charged once.
     */
    @Test
    void a_charged_request_whose_outcome_cannot_be_written_is_held_never_dead_lettered_and_completes_when_it_can()
            throws Exception {
        bind("sub-held", "4242424242424242");
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", broker.getBrokersAsString()))) {
            org.apache.kafka.common.config.ConfigResource outcomes = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.TOP_UP_OUTCOMES.name());
            // smaller than an outcome (about 200 bytes), larger than a transaction marker (78): the broker still ends transactions
            alter(admin, outcomes, org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET, "128");
            try {
                publish(Topics.TOP_UP_REQUESTS.name(), "sub-held", request("req-held-1", "sub-held", null));
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(meters.get("autotopup.topups.held").gauge().value())
                        .as("held, and visible to the operator").isEqualTo(1.0));
                assertThat(chargesOf("req-held-1")).as("charged, under one key however often it is tried").hasSize(1);
            } finally {
                alter(admin, outcomes, org.apache.kafka.clients.admin.AlterConfigOp.OpType.DELETE, null);
            }
        }

        assertThat(outcomesFor("req-held-1", 1)).singleElement().isInstanceOf(TopUpCompleted.class);
        assertThat(chargesOf("req-held-1")).as("charged once").hasSize(1);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(meters.get("autotopup.topups.held").gauge().value())
                .isZero());
        assertThat(deadLettersOf(java.util.Set.of("sub-held"))).isEmpty();
    }

    private static void alter(org.apache.kafka.clients.admin.Admin admin, org.apache.kafka.common.config.ConfigResource topic,
            org.apache.kafka.clients.admin.AlterConfigOp.OpType op, String value) throws Exception {
        admin.incrementalAlterConfigs(Map.of(topic, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", value), op)))).all().get();
    }

    /** The keys of top-up-requests' dead letters, read to the end, that are one of {@code subscribers}. */
    private List<String> deadLettersOf(java.util.Set<String> subscribers) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-dlt-" + UUID.randomUUID(), false);
        List<String> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = reader.partitionsFor(Topics.TOP_UP_REQUESTS.deadLetterTopic())
                    .stream().map(info -> new org.apache.kafka.common.TopicPartition(info.topic(), info.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = reader.endOffsets(partitions);
            await().atMost(PATIENCE).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(record -> {
                    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                    if (subscribers.contains(key)) {
                        found.add(key);
                    }
                });
                return partitions.stream().allMatch(partition -> reader.position(partition) >= ends.get(partition));
            });
        }
        return found;
    }

    private String bindWallet(String subscriberId, String wallet) throws Exception {
        String token = GATEWAY.tokenizeWallet(wallet, subscriberId + "@" + wallet).token();
        HttpResponse<String> bound = new LocalHttp(port).as(ISSUER.subscriberToken(subscriberId))
                .post("/v1/subscribers/" + subscriberId + "/payment-methods", "{\"token\":\"" + token + "\"}");
        assertThat(bound.statusCode()).as(bound.body()).isEqualTo(201);
        assertThat(bound.body()).contains("\"type\":\"" + wallet + "\"");
        String id = bound.body().replaceAll(".*\"paymentMethodId\":\"([^\"]+)\".*", "$1");
        await().atMost(PATIENCE).until(() -> new LocalHttp(port).as(ISSUER.subscriberToken(subscriberId))
                .get("/v1/subscribers/" + subscriberId + "/payment-methods").body().contains(id));
        return id;
    }

    @Test
    void a_gateway_failing_then_recovering_completes_the_top_up_once() throws Exception {
        bind("sub-dave", "4242424242424242");
        GATEWAY.setFaults(new SandboxGateway.Faults(0, false, 2));

        publish(Topics.TOP_UP_REQUESTS.name(), "sub-dave", request("req-dave-1", "sub-dave", null));

        assertThat(outcomesFor("req-dave-1", 1)).singleElement().isInstanceOf(TopUpCompleted.class);
        assertThat(chargesOf("req-dave-1")).hasSize(1);
    }

    @Test
    void a_soft_decline_on_the_first_card_is_paid_by_the_second_and_the_payment_shows_both_attempts() throws Exception {
        bind("sub-carol", "4000000000009995");
        String second = bind("sub-carol", "5555555555554444");

        publish(Topics.TOP_UP_REQUESTS.name(), "sub-carol", request("req-carol-1", "sub-carol", null));

        assertThat(outcomesFor("req-carol-1", 1)).singleElement().isInstanceOfSatisfying(TopUpCompleted.class,
                completed -> assertThat(completed.getPaymentMethodId()).isEqualTo(second));
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> payment = get("/v1/payments/req-carol-1");
            assertThat(payment.statusCode()).isEqualTo(200);
            assertThat(payment.body()).contains("\"outcome\":\"COMPLETED\"")
                    .containsSubsequence("\"result\":\"DECLINED_SOFT\"", "insufficient_funds", "\"result\":\"SUCCEEDED\"");
        });
        assertThat(get("/v1/payments/req-unknown").statusCode()).isEqualTo(404);

        String receipt = "/v1/subscribers/sub-carol/payments/req-carol-1/receipt";
        HttpResponse<String> own = new LocalHttp(port).as(ISSUER.subscriberToken("sub-carol")).get(receipt);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.body()).as("the receipt names the method that paid, as it is bound, and the gateway's reference")
                .contains("\"paymentMethodId\":\"" + second + "\"").contains("\"last4\":\"4444\"")
                .contains("\"paymentReference\":\"").contains("\"amount\":\"50000\"");
        assertThat(new LocalHttp(port).as(ISSUER.subscriberToken("sub-mallory")).get(receipt).statusCode())
                .as("someone else's receipt").isEqualTo(403);
        assertThat(new LocalHttp(port).as(ISSUER.subscriberToken("sub-mallory"))
                .get("/v1/subscribers/sub-mallory/payments/req-carol-1/receipt").statusCode())
                .as("another's request under one's own id").isEqualTo(404);
    }

    @Test
    void a_gateway_down_through_every_retry_tier_fails_the_requests_for_good_without_blocking_anything_and_recovers()
            throws Exception {
        List<String> subscribers = List.of("sub-e1", "sub-e2", "sub-e3", "sub-e4", "sub-e5");
        for (String subscriber : subscribers) {
            bind(subscriber, "4242424242424242");
        }
        GATEWAY.setFaults(new SandboxGateway.Faults(0, true));
        try {
            for (String subscriber : subscribers) {
                publish(Topics.TOP_UP_REQUESTS.name(), subscriber, request("req-down-" + subscriber, subscriber, null));
            }
            for (String subscriber : subscribers) {
                assertThat(outcomesFor("req-down-" + subscriber, 1)).as("after the last retry tier")
                        .singleElement().isInstanceOfSatisfying(TopUpFailed.class, failed -> {
                            assertThat(failed.getReason()).isEqualTo(TopUpFailureReason.GATEWAY_UNAVAILABLE);
                            assertThat(failed.getIsFinal()).isTrue();
                        });
            }
        } finally {
            GATEWAY.setFaults(new SandboxGateway.Faults(0, false));
        }

        await().atMost(PATIENCE).untilAsserted(() -> {
            String requestId = "req-after-" + System.nanoTime();
            publish(Topics.TOP_UP_REQUESTS.name(), "sub-e1", request(requestId, "sub-e1", null));
            assertThat(outcomesFor(requestId, 1)).singleElement().isInstanceOf(TopUpCompleted.class);
        });
        assertThat(GATEWAY.charges()).filteredOn(charge -> charge.idempotencyKey().contains("req-down-")).isEmpty();
    }

    @Test
    void a_request_made_while_the_gateway_is_down_waits_in_the_retry_topics_and_completes_once_it_is_back() throws Exception {
        bind("sub-gina", "4242424242424242");
        GATEWAY.setFaults(new SandboxGateway.Faults(0, true));
        try {
            publish(Topics.TOP_UP_REQUESTS.name(), "sub-gina", request("req-gina-1", "sub-gina", null));
            awaitDeferred("sub-gina");
        } finally {
            GATEWAY.setFaults(new SandboxGateway.Faults(0, false));
        }

        assertThat(outcomesFor("req-gina-1", 1)).singleElement().isInstanceOf(TopUpCompleted.class);
        assertThat(chargesOf("req-gina-1")).hasSize(1);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/v1/payments/req-gina-1").body())
                .contains("\"outcome\":\"COMPLETED\""));
    }

    /** Binds a sandbox card to a subscriber and waits until payment-service can charge it; returns its id. */
    @Test
    void a_replayed_request_is_a_dry_run_that_charges_nothing_and_the_same_request_made_for_real_is_charged_once()
            throws Exception {
        String card = bind("sub-replay", "4242424242424242");
        publish(Topics.TOP_UP_REQUESTS.name(), "sub-replay", request("req-replayed", "sub-replay", null),
                new RecordHeader(EventHeaders.REPLAYED_FROM, "top-up-requests/1/99".getBytes(StandardCharsets.UTF_8)));

        ConsumerRecord<byte[], byte[]> dryRun = outcomeRecordsFor("req-replayed", 1).get(0);
        assertThat(EventHeaders.isDryRun(dryRun.headers())).isTrue();
        assertThat(EventHeaders.text(dryRun.headers(), EventHeaders.REPLAYED_FROM)).isEqualTo("top-up-requests/1/99");
        TopUpCompleted wouldBe = (TopUpCompleted) decode(dryRun);
        assertThat(wouldBe.getPaymentMethodId()).as("the card it would have charged").isEqualTo(card);
        assertThat(wouldBe.getPaymentReference()).isEqualTo("dry-run");
        assertThat(chargesOf("req-replayed")).as("nothing charged").isEmpty();
        assertThat(get("/v1/payments/req-replayed").statusCode()).as("nothing settled").isEqualTo(404);

        publish(Topics.TOP_UP_REQUESTS.name(), "sub-replay", request("req-replayed", "sub-replay", null));
        List<ConsumerRecord<byte[], byte[]>> outcomes = outcomeRecordsFor("req-replayed", 2);
        assertThat(EventHeaders.isDryRun(outcomes.get(1).headers())).isFalse();
        assertThat(decode(outcomes.get(1))).isInstanceOf(TopUpCompleted.class);
        assertThat(chargesOf("req-replayed")).as("charged once, for real").hasSize(1);
    }

    private static SpecificRecord decode(ConsumerRecord<byte[], byte[]> record) {
        return Topics.TOP_UP_OUTCOMES.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    /** The records of top-up-outcomes (committed only) of the request, with their headers, until {@code count} came. */
    private List<ConsumerRecord<byte[], byte[]>> outcomeRecordsFor(String requestId, int count) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-records-" + UUID.randomUUID(), false);
        props.put("isolation.level", "read_committed");
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.subscribe(List.of(Topics.TOP_UP_OUTCOMES.name()));
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    SpecificRecord outcome = decode(record);
                    String id = outcome instanceof TopUpCompleted c ? c.getRequestId() : ((TopUpFailed) outcome).getRequestId();
                    if (id.equals(requestId)) {
                        found.add(record);
                    }
                }
                return found.size() >= count;
            });
        }
        return found;
    }

    private String bind(String subscriberId, String number) throws Exception {
        String token = GATEWAY.tokenize(number, 12, 2035).token();
        HttpResponse<String> bound = new LocalHttp(port).as(ISSUER.subscriberToken(subscriberId))
                .post("/v1/subscribers/" + subscriberId + "/payment-methods", "{\"token\":\"" + token + "\"}");
        assertThat(bound.statusCode()).as(bound.body()).isEqualTo(201);
        assertThat(bound.body()).contains("\"last4\":\"" + number.substring(12) + "\"").doesNotContain(token);
        String id = bound.body().replaceAll(".*\"paymentMethodId\":\"([^\"]+)\".*", "$1");
        await().atMost(PATIENCE).until(() -> new LocalHttp(port).as(ISSUER.subscriberToken(subscriberId))
                .get("/v1/subscribers/" + subscriberId + "/payment-methods").body().contains(id));
        return id;
    }

    private static List<SandboxGateway.Charge> chargesOf(String requestId) {
        return GATEWAY.charges().stream().filter(charge -> charge.idempotencyKey().startsWith("topup-" + requestId + "-")).toList();
    }

    @Test
    void a_token_another_subscriber_made_or_bound_is_refused_so_nobody_is_charged_on_someone_elses_card() throws Exception {
        String token = GATEWAY.tokenize("4242424242424242", 12, 2035).token();
        HttpResponse<String> own = new LocalHttp(port).as(ISSUER.subscriberToken("sub-dana"))
                .post("/v1/subscribers/sub-dana/payment-methods", "{\"token\":\"" + token + "\"}");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(201);

        HttpResponse<String> foreign = new LocalHttp(port).as(ISSUER.subscriberToken("sub-mallory"))
                .post("/v1/subscribers/sub-mallory/payment-methods", "{\"token\":\"" + token + "\"}");
        assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(422);
        assertThat(foreign.body()).contains("belongs to another subscriber").doesNotContain(token);
        assertThat(new LocalHttp(port).as(ISSUER.subscriberToken("sub-mallory")).get("/v1/subscribers/sub-mallory/payment-methods")
                .body()).as("nothing bound").doesNotContain("4242");
    }

    @Test
    void a_token_is_on_payment_methods_only_sealed_and_a_copy_under_another_subscriber_charges_nothing() throws Exception {
        String token = GATEWAY.tokenize("4242424242424242", 12, 2035).token();
        HttpResponse<String> bound = new LocalHttp(port).as(ISSUER.subscriberToken("sub-sealed"))
                .post("/v1/subscribers/sub-sealed/payment-methods", "{\"token\":\"" + token + "\"}");
        assertThat(bound.statusCode()).as(bound.body()).isEqualTo(201);

        ConsumerRecord<byte[], byte[]> written = methodRecordsOf("sub-sealed", record -> true).get(0);
        assertThat(new String(written.value(), StandardCharsets.ISO_8859_1)).as("the record as the topic holds it").doesNotContain(token);
        PaymentMethodsChanged methods = decodeMethods(written);
        assertThat(methods.getMethods()).singleElement().satisfies(method -> {
            assertThat(method.getGatewayToken()).isEmpty();
            assertThat(method.getSealedToken()).isNotNull();
        });

        // someone who can write the topic copies the record under their own subscriber: the seal is bound to sub-sealed
        methods.setSubscriberId("sub-copycat");
        publish(Topics.PAYMENT_METHODS.name(), "sub-copycat",
                Topics.PAYMENT_METHODS.valueSerde().serializer().serialize(Topics.PAYMENT_METHODS.name(), methods));
        String method = methods.getMethods().get(0).getPaymentMethodId();
        publish(Topics.TOP_UP_REQUESTS.name(), "sub-copycat", request("req-copycat", "sub-copycat", method));

        assertThat(outcomesFor("req-copycat", 1)).singleElement().isInstanceOf(TopUpFailed.class);
        assertThat(chargesOf("req-copycat")).as("nothing charged on sub-sealed's card").isEmpty();
    }

    @Test
    void a_token_written_in_clear_before_tokens_were_sealed_is_sealed_again_and_still_charges() throws Exception {
        SandboxGateway.TokenInfo token = GATEWAY.tokenize("4242424242424242", 12, 2035);
        PaymentMethodsChanged legacy = PaymentMethodsChanged.newBuilder().setSubscriberId("sub-legacy").setChangedAt(Instant.now())
                .setMethods(List.of(io.autotopup.events.PaymentMethod.newBuilder().setPaymentMethodId("pm_legacy")
                        .setType(io.autotopup.events.PaymentMethodType.CARD).setGatewayToken(token.token())
                        .setBrand(token.brand()).setLast4(token.last4()).setPriority(1).setIsDefault(true).build()))
                .build();
        publish(Topics.PAYMENT_METHODS.name(), "sub-legacy",
                Topics.PAYMENT_METHODS.valueSerde().serializer().serialize(Topics.PAYMENT_METHODS.name(), legacy));
        await().atMost(PATIENCE).until(() -> new LocalHttp(port).as(ISSUER.subscriberToken("sub-legacy"))
                .get("/v1/subscribers/sub-legacy/payment-methods").body().contains("pm_legacy"));

        assertThat(paymentMethods.sealTokensInClear()).as("what a start seals").isGreaterThanOrEqualTo(1);

        ConsumerRecord<byte[], byte[]> resealed = methodRecordsOf("sub-legacy",
                record -> decodeMethods(record).getMethods().get(0).getSealedToken() != null).get(0);
        assertThat(new String(resealed.value(), StandardCharsets.ISO_8859_1)).doesNotContain(token.token());
        await().atMost(PATIENCE).until(() -> paymentMethods.sealTokensInClear() == 0);
        publish(Topics.TOP_UP_REQUESTS.name(), "sub-legacy", request("req-legacy", "sub-legacy", null));
        assertThat(outcomesFor("req-legacy", 1)).singleElement().isInstanceOf(TopUpCompleted.class);
        assertThat(chargesOf("req-legacy")).singleElement().satisfies(charge -> assertThat(charge.token()).isEqualTo(token.token()));
    }

    private static PaymentMethodsChanged decodeMethods(ConsumerRecord<byte[], byte[]> record) {
        return (PaymentMethodsChanged) Topics.PAYMENT_METHODS.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    /** The records of payment-methods under {@code subscriberId} that match, once there is one. */
    private List<ConsumerRecord<byte[], byte[]>> methodRecordsOf(String subscriberId,
            java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> matching) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-methods-" + UUID.randomUUID(), false);
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.subscribe(List.of(Topics.PAYMENT_METHODS.name()));
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    if (subscriberId.equals(new String(record.key(), StandardCharsets.UTF_8)) && matching.test(record)) {
                        found.add(record);
                    }
                }
                return !found.isEmpty();
            });
        }
        return found;
    }

    @Test
    void a_card_number_is_refused_before_anything_is_stored() throws Exception {
        HttpResponse<String> response = new LocalHttp(port).as(ISSUER.subscriberToken("sub-bob")).post(
                "/v1/subscribers/sub-bob/payment-methods", "{\"number\":\"4242424242424242\",\"cvc\":\"123\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("never a card number").doesNotContain("4242424242424242");
    }

    private static byte[] request(String requestId, String subscriberId, String paymentMethodId) {
        TopUpRequested request = TopUpRequested.newBuilder().setRequestId(requestId).setSubscriberId(subscriberId)
                .setAmount(money(50_000, "LAK")).setPaymentMethodId(paymentMethodId).setTriggeringEventId("bc-1")
                .setRequestedAt(Instant.now()).setReason(io.autotopup.events.TopUpReason.AUTO).build();
        return Topics.TOP_UP_REQUESTS.valueSerde().serializer().serialize(Topics.TOP_UP_REQUESTS.name(), request);
    }

    private void publish(String topic, String key, byte[] value, Header... headers) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaTestUtils.producerProps(broker.getBrokersAsString()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8), value, List.of(headers))).get();
        }
    }

    /** Every outcome of {@code requestId} on top-up-outcomes before the first outcome of {@code marker} (same partition). */
    private List<SpecificRecord> outcomesUntil(String requestId, String marker) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-until-" + marker, false);
        props.put("isolation.level", "read_committed");
        List<SpecificRecord> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.subscribe(List.of(Topics.TOP_UP_OUTCOMES.name()));
            java.util.concurrent.atomic.AtomicBoolean markerSeen = new java.util.concurrent.atomic.AtomicBoolean();
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    SpecificRecord outcome = Topics.TOP_UP_OUTCOMES.valueSerde().deserializer()
                            .deserialize(Topics.TOP_UP_OUTCOMES.name(), record.value());
                    String id = outcome instanceof TopUpCompleted c ? c.getRequestId() : ((TopUpFailed) outcome).getRequestId();
                    if (id.equals(marker)) {
                        markerSeen.set(true);
                    } else if (id.equals(requestId) && !markerSeen.get()) {
                        found.add(outcome);
                    }
                }
                return markerSeen.get();
            });
        }
        return found;
    }

    /** Reads top-up-outcomes (committed only) until {@code count} outcomes of the request came. */
    private List<SpecificRecord> outcomesFor(String requestId, int count) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-" + requestId, false);
        props.put("isolation.level", "read_committed");
        List<SpecificRecord> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.subscribe(List.of(Topics.TOP_UP_OUTCOMES.name()));
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    SpecificRecord outcome = Topics.TOP_UP_OUTCOMES.valueSerde().deserializer()
                            .deserialize(Topics.TOP_UP_OUTCOMES.name(), record.value());
                    String id = outcome instanceof TopUpCompleted c ? c.getRequestId() : ((TopUpFailed) outcome).getRequestId();
                    if (id.equals(requestId)) {
                        found.add(outcome);
                    }
                }
                return found.size() >= count;
            });
        }
        return found;
    }

    /** Waits until a request of the subscriber has been moved to the first retry topic. */
    private void awaitDeferred(String subscriberId) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-retry-" + subscriberId, false);
        props.put("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.subscribe(List.of("top-up-requests-retry-0"));
            java.util.concurrent.atomic.AtomicBoolean seen = new java.util.concurrent.atomic.AtomicBoolean();
            await().atMost(PATIENCE).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(record -> seen.compareAndSet(false,
                        subscriberId.equals(new String(record.key(), StandardCharsets.UTF_8))));
                return seen.get();
            });
        }
    }

    private ConsumerRecord<byte[], byte[]> readOne(String topic) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-dlt", false);
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.subscribe(List.of(topic));
            return KafkaTestUtils.getSingleRecord(reader, topic, PATIENCE);
        }
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return new LocalHttp(port).post(path, json);
    }

    /** As support staff who may read payments. */
    private HttpResponse<String> get(String path) throws Exception {
        return new LocalHttp(port).as(PAYMENTS_READER).get(path);
    }

    private static SandboxGateway startGateway() {
        try {
            return SandboxGateway.start(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
