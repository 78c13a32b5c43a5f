package io.autotopup.balance;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.schemas.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import io.autotopup.platform.testing.LocalHttp;
import io.autotopup.platform.security.Scopes;
import io.autotopup.platform.testing.SingleBrokerKafka;
import io.autotopup.platform.testing.TestIssuer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** balance-service wired to a real broker: bad input gets a clear answer and nothing else is lost. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        args = "--spring.config.name=" + BalanceServiceApplication.CONFIG_NAME,
        properties = {"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "spring.kafka.streams.state-dir=${java.io.tmpdir}/autotopup-it/${random.uuid}",
                "autotopup.verification.key=" + BalanceServiceIT.CODE_KEY,
                // as on Kubernetes, where Spring Boot would otherwise believe X-Forwarded-For from anyone
                "spring.main.cloud-platform=kubernetes"})
@SingleBrokerKafka
class BalanceServiceIT {

    static final String CODE_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    static final TestIssuer ISSUER = TestIssuer.start();
    /** The carrier's provisioning and its operators. */
    private static final String OPERATOR = ISSUER.machineToken("carrier-ops", Scopes.BALANCE_ADJUST, Scopes.SUBSCRIBERS_READ);
    /** The authorization server. */
    private static final String AUTH_SERVER = ISSUER.machineToken("autotopup-auth", Scopes.SIGN_IN);

    /** The carrier's own identity provider (its Keycloak, say), trusted beside ours. */
    static final TestIssuer CARRIER_IDP = TestIssuer.start();

    @DynamicPropertySource
    static void trustTheTestIssuer(DynamicPropertyRegistry registry) {
        ISSUER.trustedBy(0).forEach((name, value) -> registry.add(name, () -> value));
        CARRIER_IDP.trustedBy(1, false).forEach((name, value) -> registry.add(name, () -> value));
    }

    @AfterAll
    static void stopIssuer() {
        ISSUER.close();
        CARRIER_IDP.close();
    }

    @Test
    void a_carriers_own_identity_provider_is_trusted_beside_ours_for_the_scopes_its_tokens_carry() throws Exception {
        String subscriberId = register("+8562055510016", "LAK", "lo", "{\"amount\":\"2500\",\"currency\":\"LAK\"}");
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + subscriberId + "/balance").statusCode() == 200);

        HttpResponse<String> read = as(CARRIER_IDP.machineToken("back-office-jane", Scopes.SUBSCRIBERS_READ))
                .get("/v1/subscribers/" + subscriberId + "/balance");
        HttpResponse<String> adjust = as(CARRIER_IDP.machineToken("back-office-jane", Scopes.SUBSCRIBERS_READ))
                .post("/v1/subscribers/" + subscriberId + "/adjustments", "{\"amount\":{\"amount\":\"1\",\"currency\":\"LAK\"},"
                        + "\"reason\":\"x\",\"idempotencyKey\":\"idp-0001\"}");

        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.body()).contains("\"amount\":\"2500\"");
        assertThat(adjust.statusCode()).as("its token carries no balance:adjust").isEqualTo(403);
        HttpResponse<String> asSubscriber = as(CARRIER_IDP.subscriberToken(subscriberId)).get("/v1/subscribers/" + subscriberId + "/balance");
        assertThat(asSubscriber.statusCode()).as("its subscriber scope and sub do not make it the subscriber: only ours may")
                .isEqualTo(403);
    }

    @Test
    void a_token_of_ours_made_for_another_api_is_refused() throws Exception {
        String subscriberId = register("+8562055510017", "LAK", "lo", "{\"amount\":\"100\",\"currency\":\"LAK\"}");
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + subscriberId + "/balance").statusCode() == 200);

        HttpResponse<String> other = as(ISSUER.subscriberTokenFor("some-other-api", subscriberId)).get("/v1/subscribers/" + subscriberId + "/balance");
        HttpResponse<String> ours = as(ISSUER.subscriberToken(subscriberId)).get("/v1/subscribers/" + subscriberId + "/balance");

        assertThat(other.statusCode()).as(other.body()).isEqualTo(401);
        assertThat(ours.statusCode()).isEqualTo(200);
    }

    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    StreamsBuilderFactoryBean streams;
    @Value("${local.server.port}")
    int port;

    @BeforeEach
    void streamsRunning() {
        await().atMost(PATIENCE).until(() -> streams.getKafkaStreams() != null
                && streams.getKafkaStreams().state() == KafkaStreams.State.RUNNING);
    }

    @Test
    void an_undecodable_usage_record_goes_to_the_dead_letter_topic_and_the_next_one_is_applied() throws Exception {
        String msisdn = "+8562055510001";
        String subscriberId = register(msisdn, "LAK", "en");

        try (KafkaProducer<byte[], byte[]> carrier = new KafkaProducer<>(
                KafkaTestUtils.producerProps(broker.getBrokersAsString()), new ByteArraySerializer(), new ByteArraySerializer())) {
            carrier.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), msisdn.getBytes(StandardCharsets.UTF_8),
                    "{\"msisdn\":\"+8562055510001\",\"charge\":1000}".getBytes(StandardCharsets.UTF_8))).get();
            UsageRecorded good = UsageRecorded.newBuilder().setEventId("cdr-1").setCarrierId("unitel").setMsisdn(msisdn)
                    .setUsageType(UsageType.VOICE).setUnits(60).setUnit("SECOND").setCharge(money(1_500, "LAK"))
                    .setOccurredAt(Instant.now()).build();
            carrier.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), msisdn.getBytes(StandardCharsets.UTF_8),
                    Topics.USAGE_EVENTS.valueSerde().serializer().serialize(Topics.USAGE_EVENTS.name(), good))).get();
        }

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/v1/subscribers/" + subscriberId + "/balance").body())
                .contains("\"amount\":\"-1500\""));
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-dlt-reader", false);
        try (Consumer<byte[], byte[]> reader = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.subscribe(List.of(Topics.USAGE_EVENTS.deadLetterTopic()));
            ConsumerRecord<byte[], byte[]> dead = KafkaTestUtils.getSingleRecord(reader, Topics.USAGE_EVENTS.deadLetterTopic(),
                    PATIENCE);
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains("\"charge\":1000");
            assertThat(header(dead, "kafka_dlt-exception-message")).contains("Not an Avro record");
            assertThat(header(dead, "kafka_dlt-original-topic")).isEqualTo(Topics.USAGE_EVENTS.name());
            assertThat(header(dead, "autotopup-dlt-reason")).isEqualTo("UNDECODABLE");
        }
        assertThat(get("/actuator/prometheus").body()).as("operators can alert on dead letters")
                .containsPattern("autotopup_dead_letters_total\\{application=\"balance-service\",reason=\"UNDECODABLE\",topic=\"usage-events-dlt\"\\} [1-9]");
    }

    /**
     * A carrier's producer need not partition as Java's does (librdkafka's default is CRC32): usage for one
     * number placed by hand on every partition of usage-events is applied, each event once.
     */
    @Test
    void usage_is_applied_whatever_partition_the_carrier_put_it_on() throws Exception {
        String msisdn = "+8562055510030";
        String subscriberId = register(msisdn, "LAK", "lo", "{\"amount\":\"100000\",\"currency\":\"LAK\"}");
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + subscriberId + "/balance").body().contains("\"version\":1"));

        try (KafkaProducer<String, UsageRecorded> carrier = new KafkaProducer<>(KafkaTestUtils.producerProps(broker.getBrokersAsString()),
                Topics.USAGE_EVENTS.keySerde().serializer(), Topics.USAGE_EVENTS.valueSerde().serializer())) {
            for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
                UsageRecorded usage = UsageRecorded.newBuilder().setEventId("cdr-p" + partition).setCarrierId("etl")
                        .setMsisdn(msisdn).setUsageType(UsageType.DATA).setUnits(10).setUnit("MB")
                        .setCharge(money(1_000 * (partition + 1), "LAK")).setOccurredAt(Instant.now()).build();
                carrier.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), partition, msisdn, usage)).get();
                // and once more on the next partition, as a redelivery that lands elsewhere
                carrier.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), (partition + 1) % Topics.PARTITIONS, msisdn, usage)).get();
            }
        }

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/v1/subscribers/" + subscriberId + "/balance").body())
                .as("100,000 - 1,000 - 2,000 - 3,000, each event once").contains("\"amount\":\"94000\"")
                .contains("\"version\":4"));
        assertThat(get("/v1/subscribers/" + subscriberId + "/ledger?limit=10").body().split("\"version\"")).hasSize(5);
    }

    /**
     * A carrier that keys usage by the number and partitions as Java does puts it on the partition of the subscriber's
     * ledger, since their id was chosen there at registration: it is applied where it arrived, and none of it is
     * written to the repartition topic (one append and two Avro round trips fewer per event).
     */
    @Test
    void usage_that_arrives_on_its_subscribers_partition_is_applied_there_without_a_repartition() throws Exception {
        String msisdn = "+8562055510040";
        String subscriberId = register(msisdn, "LAK", "lo", "{\"amount\":\"100000\",\"currency\":\"LAK\"}");
        assertThat(Topics.partitionOf(subscriberId)).as("the id is on the number's partition").isEqualTo(Topics.partitionOf(msisdn));
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + subscriberId + "/balance").body().contains("\"version\":1"));
        TopicPartition repartition = new TopicPartition("balance-service-balance-usage-by-subscriber-repartition",
                Topics.partitionOf(subscriberId));
        long before = endOffset(repartition);

        try (KafkaProducer<String, UsageRecorded> carrier = new KafkaProducer<>(KafkaTestUtils.producerProps(broker.getBrokersAsString()),
                Topics.USAGE_EVENTS.keySerde().serializer(), Topics.USAGE_EVENTS.valueSerde().serializer())) {
            for (int n = 1; n <= 3; n++) {
                UsageRecorded usage = UsageRecorded.newBuilder().setEventId("cdr-in-place-" + n).setCarrierId("unitel")
                        .setMsisdn(msisdn).setUsageType(UsageType.DATA).setUnits(10).setUnit("MB")
                        .setCharge(money(1_000, "LAK")).setOccurredAt(Instant.now()).build();
                carrier.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), msisdn, usage)).get();
            }
        }

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/v1/subscribers/" + subscriberId + "/balance").body())
                .contains("\"amount\":\"97000\"").contains("\"version\":4"));
        assertThat(endOffset(repartition)).as("records written to " + repartition).isEqualTo(before);
    }

    private long endOffset(TopicPartition partition) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            return admin.listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get()
                    .get(partition).offset();
        }
    }

    @Test
    void a_phone_number_that_is_not_one_is_refused_with_a_problem_body() throws Exception {
        HttpResponse<String> response = post("/v1/subscribers", "{\"msisdn\":\"12\",\"currency\":\"LAK\",\"language\":\"lo\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
        assertThat(response.body()).contains("is not a valid phone number");
    }

    @Test
    void malformed_json_is_refused_with_a_problem_body() throws Exception {
        HttpResponse<String> response = post("/v1/subscribers", "{\"msisdn\":");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
    }

    @Test
    void the_same_number_cannot_be_registered_twice_not_even_at_once() throws Exception {
        register("020 5551 0002", "LAK", "lo");

        HttpResponse<String> again = post("/v1/subscribers",
                "{\"msisdn\":\"+856 20 5551 0002\",\"currency\":\"LAK\",\"language\":\"lo\"}");

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("+8562055510002").contains("already registered");
    }

    @Test
    void the_code_texted_at_registration_signs_the_subscriber_in_activates_them_and_works_once() throws Exception {
        String subscriberId = registerOpen("+8562055510010", "LAK", "lo");
        String code = issuedCode(subscriberId);
        String wrong = code.equals("000000") ? "111111" : "000000";
        LocalHttp auth = as(AUTH_SERVER);

        HttpResponse<String> refused = auth.post("/v1/subscribers/" + subscriberId + "/sign-in", "{\"code\":\"" + wrong + "\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("Wrong code; 4 more attempt(s)");
        assertThat(auth.post("/v1/subscribers/" + subscriberId + "/sign-in", "{\"code\":\"12\"}").statusCode()).isEqualTo(400);

        HttpResponse<String> accepted = auth.post("/v1/subscribers/" + subscriberId + "/sign-in", "{\"code\":\"" + code + "\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.body()).contains("\"status\":\"ACTIVE\"");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/v1/subscribers/" + subscriberId).body())
                .contains("\"status\":\"ACTIVE\""));
        HttpResponse<String> again = auth.post("/v1/subscribers/" + subscriberId + "/sign-in", "{\"code\":\"" + code + "\"}");
        assertThat(again.statusCode()).as("a code works once").isEqualTo(422);
        assertThat(again.body()).contains("used already");
    }

    @Test
    void a_subscriber_chooses_the_language_of_their_texts_and_nobody_else_may() throws Exception {
        String subscriberId = register("+8562055510077", "LAK", "en");
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + subscriberId).statusCode() == 200);
        String path = "/v1/subscribers/" + subscriberId;

        HttpResponse<String> chosen = as(ISSUER.subscriberToken(subscriberId)).send("PATCH", path, "{\"language\":\"lo\"}");
        assertThat(chosen.statusCode()).as(chosen.body()).isEqualTo(200);
        assertThat(chosen.body()).contains("\"language\":\"lo\"");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get(path).body()).as("the profile, and so the texts")
                .contains("\"language\":\"lo\"").contains("\"msisdn\":\"+8562055510077\""));

        HttpResponse<String> unknown = as(ISSUER.subscriberToken(subscriberId)).send("PATCH", path, "{\"language\":\"fr\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("lo, en, zh, th");
        assertThat(as(ISSUER.subscriberToken("someone-else")).send("PATCH", path, "{\"language\":\"th\"}").statusCode())
                .as("another subscriber").isEqualTo(403);
        assertThat(get(path).body()).contains("\"language\":\"lo\"");
    }

    @Test
    void only_the_authorization_server_asks_for_sign_in_codes_and_a_number_gets_one_a_minute() throws Exception {
        String subscriberId = register("+8562055510012", "LAK", "en");
        String path = "/v1/subscribers/" + subscriberId + "/sign-in-code";
        awaitKnown(subscriberId);

        assertThat(post(path, "").statusCode()).as("nobody").isEqualTo(401);
        assertThat(as(ISSUER.subscriberToken(subscriberId)).post(path, "").statusCode()).as("the subscriber themselves").isEqualTo(403);
        assertThat(as(OPERATOR).post(path, "").statusCode()).as("an operator").isEqualTo(403);
        HttpResponse<String> sent = as(AUTH_SERVER).post(path, "");
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        HttpResponse<String> tooSoon = as(AUTH_SERVER).post(path, "");
        assertThat(tooSoon.statusCode()).isEqualTo(429);
        assertThat(tooSoon.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
        assertThat(Long.parseLong(tooSoon.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
    }

    @Test
    void a_client_address_gets_twenty_codes_an_hour_whatever_the_numbers() throws Exception {
        List<String> subscribers = new java.util.ArrayList<>();
        for (int n = 0; n < 21; n++) {
            subscribers.add(register(String.format("+85620556%05d", n), "LAK", "lo"));
        }
        subscribers.forEach(this::awaitKnown);
        for (int n = 0; n < 20; n++) {
            HttpResponse<String> sent = codeFrom("203.0.113.50", subscribers.get(n));
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        }

        HttpResponse<String> refused = codeFrom("203.0.113.50", subscribers.get(20));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("from this address");
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(3500L, 3600L);
        assertThat(codeFrom("203.0.113.51", subscribers.get(20)).statusCode()).as("another address").isEqualTo(202);
    }

    /** Waits until the service's state has the subscriber a moment after registering them. */
    private void awaitKnown(String subscriberId) {
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + subscriberId).statusCode() == 200);
    }

    private HttpResponse<String> codeFrom(String clientAddress, String subscriberId) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + port + "/v1/subscribers/" + subscriberId + "/sign-in-code"))
                .header("Authorization", "Bearer " + AUTH_SERVER).header("X-Autotopup-Client-Address", clientAddress)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void wrong_codes_lock_sign_in_with_retry_after_even_for_the_right_code() throws Exception {
        String subscriberId = registerOpen("+8562055510011", "LAK", "en");
        String code = issuedCode(subscriberId);
        String wrong = code.equals("000000") ? "111111" : "000000";
        LocalHttp auth = as(AUTH_SERVER);

        HttpResponse<String> answer = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            answer = auth.post("/v1/subscribers/" + subscriberId + "/sign-in", "{\"code\":\"" + wrong + "\"}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(attempt < 5 ? 422 : 429);
        }

        assertThat(answer.headers().firstValue("Retry-After")).hasValue("900");
        assertThat(answer.body()).contains("locked");
        HttpResponse<String> rightButLocked = auth.post("/v1/subscribers/" + subscriberId + "/sign-in", "{\"code\":\"" + code + "\"}");
        assertThat(rightButLocked.statusCode()).isEqualTo(429);
    }

    @Test
    void a_subscriber_reads_their_own_data_only_and_a_bad_token_is_no_token() throws Exception {
        String alice = register("+8562055510013", "LAK", "lo", "{\"amount\":\"1000\",\"currency\":\"LAK\"}");
        String bob = register("+8562055510014", "LAK", "lo");
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + alice + "/balance").statusCode() == 200);
        String path = "/v1/subscribers/" + alice + "/balance";

        assertThat(as(ISSUER.subscriberToken(alice)).get(path).body()).contains("\"amount\":\"1000\"");
        HttpResponse<String> other = as(ISSUER.subscriberToken(bob)).get(path);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
        assertThat(other.body()).contains("only that subscriber's own data").doesNotContain("1000");
        assertThat(as(ISSUER.subscriberToken(bob)).get("/v1/subscribers/no-such-subscriber/balance").statusCode())
                .as("another id answers the same whether or not it exists").isEqualTo(403);
        assertThat(new LocalHttp(port).get(path).statusCode()).isEqualTo(401);
        assertThat(as(ISSUER.expiredSubscriberToken(alice)).get(path).statusCode()).isEqualTo(401);
        assertThat(as(ISSUER.subscriberTokenSignedByAnotherKey(alice)).get(path).statusCode()).isEqualTo(401);
        try (TestIssuer stranger = TestIssuer.start()) {
            assertThat(as(stranger.subscriberToken(alice)).get(path).statusCode()).as("an issuer nobody trusts").isEqualTo(401);
        }
        HttpResponse<String> unauthorized = new LocalHttp(port).get(path);
        assertThat(unauthorized.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        assertThat(new LocalHttp(port).get("/actuator/health").statusCode()).as("the platform's probes stay open").isEqualTo(200);
    }

    @Test
    void an_opening_balance_is_the_carriers_to_set() throws Exception {
        HttpResponse<String> refused = post("/v1/subscribers", "{\"msisdn\":\"+8562055510015\",\"currency\":\"LAK\",\"language\":\"lo\","
                + "\"openingBalance\":{\"amount\":\"900000\",\"currency\":\"LAK\"}}");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("balance:adjust");
    }

    @Test
    void open_registration_counts_the_peers_address_not_one_the_caller_names_in_x_forwarded_for() throws Exception {
        HttpResponse<String> registered = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/v1/subscribers")).header("Content-Type", "application/json")
                .header("X-Forwarded-For", "203.0.113.77").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"msisdn\":\"+8562055510031\",\"currency\":\"LAK\",\"language\":\"lo\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String subscriberId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(registered.body()).path("subscriberId").asText();

        io.autotopup.platform.security.OneTimeCodes codes = io.autotopup.platform.security.OneTimeCodes.fromBase64(CODE_KEY);
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-code-requests", false);
        try (Consumer<String, io.autotopup.events.CodeRequested> reader = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                props, Topics.CODE_REQUESTS.keySerde().deserializer(), Topics.CODE_REQUESTS.valueSerde().deserializer())) {
            reader.subscribe(List.of(Topics.CODE_REQUESTS.name()));
            java.util.concurrent.atomic.AtomicReference<String> countedAs = new java.util.concurrent.atomic.AtomicReference<>();
            await().atMost(PATIENCE).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.value() != null && subscriberId.equals(record.value().getSubscriberId())) {
                        countedAs.set(record.key());
                    }
                });
                return countedAs.get() != null;
            });
            assertThat(countedAs.get()).as("counted as the peer, 127.0.0.1").isEqualTo(codes.hashAddress("127.0.0.1"))
                    .isNotEqualTo(codes.hashAddress("203.0.113.77"));
        }
    }

    /** Reads the sealed code of the subscriber from subscriber-verifications and opens it, as notification-service does. */
    private String issuedCode(String subscriberId) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-codes-" + subscriberId, false);
        try (Consumer<String, org.apache.avro.specific.SpecificRecord> reader = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                props, Topics.SUBSCRIBER_VERIFICATIONS.keySerde().deserializer(), Topics.SUBSCRIBER_VERIFICATIONS.valueSerde().deserializer())) {
            reader.subscribe(List.of(Topics.SUBSCRIBER_VERIFICATIONS.name()));
            java.util.concurrent.atomic.AtomicReference<String> code = new java.util.concurrent.atomic.AtomicReference<>();
            await().atMost(PATIENCE).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (subscriberId.equals(record.key()) && record.value() instanceof io.autotopup.events.VerificationCodeIssued issued) {
                        code.set(io.autotopup.platform.security.OneTimeCodes.fromBase64(CODE_KEY).open(issued.getSealedCode()));
                    }
                });
                return code.get() != null;
            });
            return code.get();
        }
    }

    @Test
    void the_ledger_counts_for_prometheus() throws Exception {
        String subscriberId = register("+8562055510020", "LAK", "lo", "{\"amount\":\"1000\",\"currency\":\"LAK\"}");
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + subscriberId + "/balance").body().contains("\"version\":1"));

        HttpResponse<String> metrics = get("/actuator/prometheus");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("autotopup_ledger_applied_total{application=\"balance-service\",reason=\"ADJUSTMENT\"}")
                .contains("kafka_stream");
    }

    @Test
    void the_api_is_described_in_openapi() throws Exception {
        HttpResponse<String> docs = get("/v3/api-docs");

        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/v1/subscribers/{subscriberId}/ledger").contains("/v1/subscribers/{subscriberId}/adjustments")
                .contains("/v1/subscribers/{subscriberId}/balance");
    }

    @Test
    void an_unknown_subscriber_has_no_balance() throws Exception {
        HttpResponse<String> response = get("/v1/subscribers/nobody/balance");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("No subscriber nobody");
    }

    @Test
    void an_operator_adjustment_is_applied_once_and_the_ledger_explains_every_change() throws Exception {
        String subscriberId = register("+8562055510003", "USD", "en", "{\"amount\":\"10.00\",\"currency\":\"USD\"}");
        String adjustment = "{\"amount\":{\"amount\":\"-2.50\",\"currency\":\"USD\"},\"reason\":\"duplicate bundle refund\","
                + "\"idempotencyKey\":\"ops-0001-refund\"}";
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + subscriberId + "/balance").statusCode() == 200);

        assertThat(post("/v1/subscribers/" + subscriberId + "/adjustments", adjustment).statusCode())
                .as("no token").isEqualTo(401);
        assertThat(as(ISSUER.subscriberToken(subscriberId)).post("/v1/subscribers/" + subscriberId + "/adjustments", adjustment)
                .statusCode()).as("the subscriber's own token").isEqualTo(403);
        assertThat(as(ISSUER.machineToken("reporting", Scopes.SUBSCRIBERS_READ)).post("/v1/subscribers/" + subscriberId
                + "/adjustments", adjustment).statusCode()).as("a token that may only read").isEqualTo(403);
        HttpResponse<String> accepted = operator("POST", "/v1/subscribers/" + subscriberId + "/adjustments", adjustment);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(operator("POST", "/v1/subscribers/" + subscriberId + "/adjustments", adjustment).statusCode()).isEqualTo(202);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/v1/subscribers/" + subscriberId + "/balance").body())
                .contains("\"amount\":\"7.50\"").contains("\"version\":2"));
        String ledger = get("/v1/subscribers/" + subscriberId + "/ledger?limit=10").body();
        assertThat(ledger).contains("duplicate bundle refund").contains("\"amount\":\"-2.50\"")
                .contains("\"balanceAfter\":{\"amount\":\"7.50\"").contains("opening balance");
        assertThat(ledger.split("\"version\"")).as("two entries, not three").hasSize(3);

        HttpResponse<String> newest = get("/v1/subscribers/" + subscriberId + "/ledger?limit=1");
        assertThat(newest.body()).contains("duplicate bundle refund").doesNotContain("opening balance");
        String next = newest.headers().firstValue("Link").orElseThrow();
        assertThat(next).isEqualTo("</v1/subscribers/" + subscriberId + "/ledger?limit=1&before=2>; rel=\"next\"");
        HttpResponse<String> older = get(next.substring(1, next.indexOf('>')));
        assertThat(older.body()).contains("opening balance").doesNotContain("duplicate bundle refund");
        assertThat(older.headers().firstValue("Link")).as("nothing before the first change").isEmpty();
    }

    @Test
    void the_profile_is_shown_to_its_subscriber_and_to_operators_only() throws Exception {
        String subscriberId = register("+8562055510004", "LAK", "th");
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + subscriberId).statusCode() == 200);

        assertThat(as(ISSUER.subscriberToken(subscriberId)).get("/v1/subscribers/" + subscriberId).body())
                .contains("+8562055510004").contains("\"language\":\"th\"");
        assertThat(operator("GET", "/v1/subscribers/" + subscriberId, null).body()).contains("+8562055510004");
        assertThat(as(ISSUER.subscriberToken("someone-else")).get("/v1/subscribers/" + subscriberId).body())
                .doesNotContain("+8562055510004");
    }

    @Test
    void every_bad_input_is_a_4xx_problem() throws Exception {
        String alice = register("+8562055510005", "LAK", "lo");
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + alice).statusCode() == 200);
        List<HttpResponse<String>> answers = List.of(
                post("/v1/subscribers", "{\"msisdn\":\"+8562055510006\",\"currency\":\"KIP\",\"language\":\"lo\"}"),
                post("/v1/subscribers", "{\"msisdn\":\"+8562055510007\",\"currency\":\"USD\",\"language\":\"en\","
                        + "\"openingBalance\":{\"amount\":\"5.001\",\"currency\":\"USD\"}}"),
                post("/v1/subscribers", "{\"msisdn\":\"+8562055510008\",\"currency\":\"LAK\",\"language\":\"fr\"}"),
                get("/v1/subscribers/" + alice + "/ledger?limit=0"),
                get("/v1/subscribers/" + alice + "/ledger?before=0"),
                get("/v1/subscribers/nobody/ledger"),
                operator("POST", "/v1/subscribers/" + alice + "/adjustments",
                        "{\"amount\":{\"amount\":\"5.00\",\"currency\":\"USD\"},\"reason\":\"x\",\"idempotencyKey\":\"ops-00000002\"}"),
                operator("POST", "/v1/subscribers/" + alice + "/adjustments",
                        "{\"amount\":{\"amount\":\"0\",\"currency\":\"LAK\"},\"reason\":\"x\",\"idempotencyKey\":\"ops-00000003\"}"),
                operator("POST", "/v1/subscribers/nobody/adjustments",
                        "{\"amount\":{\"amount\":\"500\",\"currency\":\"LAK\"},\"reason\":\"x\",\"idempotencyKey\":\"ops-00000004\"}"));

        assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(400, 400, 400, 400, 400, 404, 422, 400, 404);
        assertThat(answers).allSatisfy(answer -> assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).contains("problem+json")));
    }

    /** Registered by someone in the street: no token. */
    private String registerOpen(String msisdn, String currency, String language) throws Exception {
        HttpResponse<String> response = post("/v1/subscribers", "{\"msisdn\":\"" + msisdn + "\",\"currency\":\"" + currency
                + "\",\"language\":\"" + language + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body().replaceAll(".*\"subscriberId\":\"([^\"]+)\".*", "$1");
    }

    private HttpResponse<String> operator(String method, String path, String json) throws Exception {
        return as(OPERATOR).send(method, path, json);
    }

    /** Registered by the carrier's provisioning, with an opening balance. */
    private String register(String msisdn, String currency, String language, String openingBalance) throws Exception {
        HttpResponse<String> response = as(OPERATOR).post("/v1/subscribers", "{\"msisdn\":\"" + msisdn + "\",\"currency\":\"" + currency
                + "\",\"language\":\"" + language + "\",\"openingBalance\":" + openingBalance + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body().replaceAll(".*\"subscriberId\":\"([^\"]+)\".*", "$1");
    }

    /** Registered by the carrier's provisioning. */
    private String register(String msisdn, String currency, String language) throws Exception {
        HttpResponse<String> response = as(OPERATOR).post("/v1/subscribers", "{\"msisdn\":\"" + msisdn + "\",\"currency\":\"" + currency
                + "\",\"language\":\"" + language + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body().replaceAll(".*\"subscriberId\":\"([^\"]+)\".*", "$1");
    }

    /** As nobody: no token. */
    private HttpResponse<String> post(String path, String json) throws Exception {
        return new LocalHttp(port).post(path, json);
    }

    /** As the carrier's operators. */
    private HttpResponse<String> get(String path) throws Exception {
        return new LocalHttp(port).as(OPERATOR).get(path);
    }

    private LocalHttp as(String token) {
        return new LocalHttp(port).as(token);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
