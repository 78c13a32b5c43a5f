package io.autotopup.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autotopup.events.Language;
import io.autotopup.events.PaymentMethod;
import io.autotopup.events.PaymentMethodType;
import io.autotopup.events.PaymentMethodsChanged;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.platform.testing.LocalHttp;
import io.autotopup.platform.security.Scopes;
import io.autotopup.platform.testing.SingleBrokerKafka;
import io.autotopup.platform.testing.TestIssuer;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The auto top-up API on a real broker: every invalid rule gets a 4xx problem body, never a 5xx. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        args = "--spring.config.name=" + RuleEngineServiceApplication.CONFIG_NAME,
        properties = {"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "spring.kafka.streams.state-dir=${java.io.tmpdir}/autotopup-it/${random.uuid}"})
@SingleBrokerKafka
class AutoTopUpApiIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final String RULE = "/v1/subscribers/sub-lao/auto-top-up";
    private static final TestIssuer ISSUER = TestIssuer.start();

    @DynamicPropertySource
    static void trustTheTestIssuer(DynamicPropertyRegistry registry) {
        ISSUER.trustedBy(0).forEach((name, value) -> registry.add(name, () -> value));
    }

    @AfterAll
    static void stopIssuer() {
        ISSUER.close();
    }

    @Autowired
    EmbeddedKafkaBroker broker;
    @Value("${local.server.port}")
    int port;

    private LocalHttp http;

    @BeforeEach
    void subscriberWithACard() throws Exception {
        http = new LocalHttp(port).as(ISSUER.subscriberToken("sub-lao"));
        publish(Topics.SUBSCRIBERS, "sub-lao", SubscriberRegistered.newBuilder().setSubscriberId("sub-lao")
                .setMsisdn("+8562055512345").setCurrency("LAK").setLanguage(Language.LO).setStatus(SubscriberStatus.ACTIVE)
                .setRegisteredAt(Instant.now()).build());
        publish(Topics.PAYMENT_METHODS, "sub-lao", PaymentMethodsChanged.newBuilder().setSubscriberId("sub-lao")
                .setChangedAt(Instant.now()).setMethods(List.of(card("pm-1"))).build());
        await("the engine knows the subscriber and the card").atMost(PATIENCE)
                .until(() -> put(valid("\"paymentMethodId\":\"pm-1\"")).statusCode() == 200);
    }

    static Stream<Arguments> invalidRules() {
        return Stream.of(
                Arguments.of("another currency", "{\"threshold\":{\"amount\":\"1.00\",\"currency\":\"USD\"},"
                        + "\"topUpAmount\":{\"amount\":\"5.00\",\"currency\":\"USD\"}}", 422, "account currency LAK", "threshold"),
                Arguments.of("a negative threshold", rule("-1", "50000", ""), 422, "threshold must not be negative", "threshold"),
                Arguments.of("a zero amount", rule("10000", "0", ""), 422, "topUpAmount must be positive", "topUpAmount"),
                Arguments.of("an amount above the ceiling", rule("10000", "9000000", ""), 422, "ceiling", "topUpAmount"),
                Arguments.of("a target not above the threshold", "{\"threshold\":{\"amount\":\"10000\",\"currency\":\"LAK\"},"
                        + "\"mode\":\"TARGET\",\"targetBalance\":{\"amount\":\"10000\",\"currency\":\"LAK\"}}", 422,
                        "targetBalance must be above the threshold", "targetBalance"),
                Arguments.of("no daily top-up allowed", rule("10000", "50000", ",\"maxTopUpsPerDay\":0"), 422,
                        "maxTopUpsPerDay must be at least 1", "maxTopUpsPerDay"),
                Arguments.of("a zero monthly cap", rule("10000", "50000",
                        ",\"maxAmountPerMonth\":{\"amount\":\"0\",\"currency\":\"LAK\"}"), 422, "maxAmountPerMonth must be positive", "maxAmountPerMonth"),
                Arguments.of("someone else's card", rule("10000", "50000", ",\"paymentMethodId\":\"pm-of-bob\""), 422,
                        "has no payment method pm-of-bob", "paymentMethodId"),
                Arguments.of("a time zone that does not exist", rule("10000", "50000", ",\"timeZone\":\"Asia/Atlantis\""), 400,
                        "not an IANA time zone", "timeZone"),
                Arguments.of("an unknown mode", rule("10000", "50000", ",\"mode\":\"SOMETIMES\""), 400, "FIXED or TARGET", "mode"),
                Arguments.of("kip with decimals", rule("10000.5", "50000", ""), 400, "more than 0 decimal places", "threshold"),
                Arguments.of("a monthly cap below one top-up", rule("10000", "50000",
                        ",\"maxAmountPerMonth\":{\"amount\":\"10000\",\"currency\":\"LAK\"}"), 422,
                        "\"code\":\"below_one_top_up\"", "maxAmountPerMonth"),
                Arguments.of("a threshold beyond any balance", rule("99999999999999999999999", "50000", ""), 400,
                        "\"code\":\"too_large\"", "threshold"),
                Arguments.of("a word for a threshold", rule("lots", "50000", ""), 400, "\"code\":\"not_an_amount\"", "threshold"),
                Arguments.of("no threshold", "{\"topUpAmount\":{\"amount\":\"50000\",\"currency\":\"LAK\"}}", 400,
                        "threshold is required", "threshold"),
                Arguments.of("malformed JSON", "{\"threshold\":", 400, "", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRules")
    void an_invalid_rule_is_refused_with_a_problem_body_that_names_the_field(String what, String body, int status, String detail,
            String field) throws Exception {
        HttpResponse<String> response = put(body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
        assertThat(response.body()).contains(detail);
        if (field != null) {
            assertThat(response.body()).as("a form shows the error beside its field").contains("\"field\":\"" + field + "\"")
                    .contains("\"code\":");
        }
    }

    @Test
    void a_card_bound_a_moment_ago_can_be_named_in_the_rule_at_once() throws Exception {
        List<PaymentMethod> bound = new java.util.ArrayList<>(List.of(card("pm-1")));
        for (int i = 2; i <= 6; i++) {
            bound.add(card("pm-" + i));
            // payment-service answers the bind once this is acknowledged; the app sets the rule right after
            publish(Topics.PAYMENT_METHODS, "sub-lao", PaymentMethodsChanged.newBuilder().setSubscriberId("sub-lao")
                    .setChangedAt(Instant.now()).setMethods(List.copyOf(bound)).build());

            HttpResponse<String> response = put(valid("\"paymentMethodId\":\"pm-" + i + "\""));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"paymentMethodId\":\"pm-" + i + "\"");
        }
    }

    @Test
    void a_top_up_above_the_ceiling_says_what_the_ceiling_is_in_the_rule_currency() throws Exception {
        HttpResponse<String> response = put(rule("10000", "9000000", ""));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).contains("\"code\":\"above_ceiling\"").contains("\"limit\":{\"amount\":\"");
    }

    @Test
    void a_rule_for_a_subscriber_the_engine_does_not_know_is_404() throws Exception {
        HttpResponse<String> response = new LocalHttp(port).as(ISSUER.subscriberToken("nobody"))
                .send("PUT", "/v1/subscribers/nobody/auto-top-up", rule("10000", "50000", ""));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("No subscriber nobody");
    }

    @Test
    void only_the_subscriber_sets_their_rule_and_operators_may_read_it() throws Exception {
        String raise = rule("900000", "900000", ",\"maxTopUpsPerDay\":20");

        assertThat(new LocalHttp(port).send("PUT", RULE, raise).statusCode()).as("a stranger without a token").isEqualTo(401);
        assertThat(new LocalHttp(port).as(ISSUER.subscriberToken("sub-other")).send("PUT", RULE, raise).statusCode())
                .as("another subscriber").isEqualTo(403);
        assertThat(new LocalHttp(port).as(ISSUER.machineToken("support", Scopes.SUBSCRIBERS_READ)).send("PUT", RULE, raise)
                .statusCode()).as("an operator who may read").isEqualTo(403);
        assertThat(new LocalHttp(port).as(ISSUER.machineToken("support", Scopes.SUBSCRIBERS_READ)).get(RULE).statusCode())
                .isEqualTo(200);
        assertThat(new LocalHttp(port).as(ISSUER.subscriberToken("sub-other")).post(RULE + "/pause", "").statusCode())
                .as("nor pause it").isEqualTo(403);
    }

    @Test
    void a_rule_reads_back_with_its_live_state_and_can_be_paused_resumed_and_deleted() throws Exception {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(http.get(RULE).body())
                .contains("\"state\":\"ARMED\"").contains("\"maxTopUpsPerDay\":3").contains("\"timeZone\":\"Asia/Vientiane\"")
                .contains("\"topUpsToday\":0").contains("\"paymentMethodId\":\"pm-1\""));

        assertThat(http.post(RULE + "/pause", "").body()).contains("\"enabled\":false");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(http.get(RULE).body()).contains("\"state\":\"PAUSED\""));
        assertThat(http.post(RULE + "/resume", "").body()).contains("\"enabled\":true");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(http.get(RULE).body()).contains("\"state\":\"ARMED\""));

        assertThat(http.send("DELETE", RULE, null).statusCode()).isEqualTo(204);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(http.get(RULE).statusCode()).isEqualTo(404));
        assertThat(http.get("/v1/subscribers/sub-lao/top-ups").body()).isEqualTo("[]");
    }

    @Test
    void top_up_now_asks_for_one_manual_top_up_per_key_and_none_while_it_is_on_its_way() throws Exception {
        publish(Topics.SUBSCRIBERS, "sub-now", SubscriberRegistered.newBuilder().setSubscriberId("sub-now")
                .setMsisdn("+8562055512399").setCurrency("LAK").setLanguage(Language.EN).setStatus(SubscriberStatus.ACTIVE)
                .setRegisteredAt(Instant.now()).build());
        publish(Topics.PAYMENT_METHODS, "sub-now", PaymentMethodsChanged.newBuilder().setSubscriberId("sub-now")
                .setChangedAt(Instant.now()).setMethods(List.of(card("pm-1"))).build());
        LocalHttp subscriber = new LocalHttp(port).as(ISSUER.subscriberToken("sub-now"));
        String now = "/v1/subscribers/sub-now/top-ups";
        String ask = "{\"amount\":{\"amount\":\"20000\",\"currency\":\"LAK\"},\"idempotencyKey\":\"now-00000001\"}";

        HttpResponse<String> first = await("the engine knows the subscriber").atMost(PATIENCE)
                .until(() -> subscriber.post(now, ask), response -> response.statusCode() == 202);
        String requestId = JSON.readTree(first.body()).path("requestId").asText();
        assertThat(first.headers().firstValue("Location")).hasValue(now + "/" + requestId);
        assertThat(new LocalHttp(port).as(ISSUER.subscriberToken("sub-other")).post(now, ask).statusCode())
                .as("another subscriber").isEqualTo(403);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(subscriber.get(now).body())
                .contains("\"requestId\":\"" + requestId + "\"").contains("\"reason\":\"MANUAL\"").contains("\"state\":\"PENDING\""));
        HttpResponse<String> again = subscriber.post(now, ask);
        assertThat(again.statusCode()).as("the same key again (a retry)").isEqualTo(202);
        assertThat(JSON.readTree(again.body()).path("requestId").asText()).isEqualTo(requestId);
        HttpResponse<String> another = subscriber.post(now, ask.replace("now-00000001", "now-00000002"));
        assertThat(another.statusCode()).as(another.body()).isEqualTo(409);
        assertThat(another.body()).contains("\"code\":\"in_flight\"");
        HttpResponse<String> tooMuch = subscriber.post(now, ask.replace("20000", "9000000").replace("now-00000001", "now-00000003"));
        assertThat(tooMuch.statusCode()).isEqualTo(422);
        assertThat(tooMuch.body()).contains("\"field\":\"amount\"").contains("\"code\":\"above_ceiling\"");

        java.util.Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "top-up-now-it");
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props, Topics.TOP_UP_REQUESTS.keySerde().deserializer(),
                Topics.TOP_UP_REQUESTS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.TOP_UP_REQUESTS.name()));
            List<io.autotopup.events.TopUpRequested> asked = new java.util.ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                    if ("sub-now".equals(record.key())) {
                        asked.add(record.value());
                    }
                });
                return !asked.isEmpty();
            });
            consumer.poll(Duration.ofSeconds(2)).forEach(record -> {
                if ("sub-now".equals(record.key())) {
                    asked.add(record.value());
                }
            });
            assertThat(asked).as("one request for payment-service, however often it was asked").singleElement().satisfies(request -> {
                assertThat(request.getRequestId()).isEqualTo(requestId);
                assertThat(request.getReason()).isEqualTo(io.autotopup.events.TopUpReason.MANUAL);
                assertThat(request.getAmount().getMinorUnits()).isEqualTo(20_000L);
            });
        }
    }

    private static PaymentMethod card(String id) {
        return PaymentMethod.newBuilder().setPaymentMethodId(id).setType(PaymentMethodType.CARD).setGatewayToken("tok")
                .setPriority(1).setIsDefault("pm-1".equals(id)).build();
    }

    private static String rule(String threshold, String amount, String extra) {
        return "{\"threshold\":{\"amount\":\"" + threshold + "\",\"currency\":\"LAK\"},\"topUpAmount\":{\"amount\":\"" + amount
                + "\",\"currency\":\"LAK\"}" + extra + "}";
    }

    private static String valid(String extra) {
        return rule("10000", "50000", "," + extra);
    }

    private HttpResponse<String> put(String body) throws Exception {
        return http.send("PUT", RULE, body);
    }

    private <V> void publish(Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(KafkaTestUtils.producerProps(broker.getBrokersAsString()),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        }
    }
}
