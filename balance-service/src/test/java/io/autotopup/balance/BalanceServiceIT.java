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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import io.autotopup.platform.testing.LocalHttp;
import io.autotopup.platform.testing.SingleBrokerKafka;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;

/** balance-service wired to a real broker: bad input gets a clear answer and nothing else is lost. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        args = "--spring.config.name=" + BalanceServiceApplication.CONFIG_NAME,
        properties = {"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "spring.kafka.streams.state-dir=${java.io.tmpdir}/autotopup-it/${random.uuid}",
                "autotopup.operator.api-key=" + BalanceServiceIT.OPERATOR_KEY,
                "autotopup.verification.key=" + BalanceServiceIT.CODE_KEY})
@SingleBrokerKafka
class BalanceServiceIT {

    static final String OPERATOR_KEY = "test-operator-key";
    static final String CODE_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

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
            assertThat(header(dead, "kafka_dlt-exception-message")).contains("Not an Avro single-object encoded record");
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
    void the_code_texted_at_registration_activates_the_subscriber_and_a_wrong_one_does_not() throws Exception {
        String subscriberId = register("+8562055510010", "LAK", "lo");
        String code = issuedCode(subscriberId);
        String wrong = code.equals("000000") ? "111111" : "000000";

        java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> first = new java.util.concurrent.atomic.AtomicReference<>();
        await("the service has the code").atMost(PATIENCE).until(() -> {
            first.set(post("/v1/subscribers/" + subscriberId + "/verification", "{\"code\":\"" + wrong + "\"}"));
            return !first.get().body().contains("No code has been issued yet");
        });
        HttpResponse<String> refused = first.get();
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("Wrong code; 4 more attempt(s)");
        assertThat(post("/v1/subscribers/" + subscriberId + "/verification", "{\"code\":\"12\"}").statusCode()).isEqualTo(400);

        HttpResponse<String> accepted = post("/v1/subscribers/" + subscriberId + "/verification", "{\"code\":\"" + code + "\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/v1/subscribers/" + subscriberId).body())
                .contains("\"status\":\"ACTIVE\""));
        assertThat(post("/v1/subscribers/" + subscriberId + "/verification", "{\"code\":\"" + code + "\"}").statusCode())
                .isEqualTo(409);
    }

    @Test
    void wrong_codes_lock_verification_with_retry_after() throws Exception {
        String subscriberId = register("+8562055510011", "LAK", "en");
        String code = issuedCode(subscriberId);
        String wrong = code.equals("000000") ? "111111" : "000000";

        java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> first = new java.util.concurrent.atomic.AtomicReference<>();
        await("the service has the code").atMost(PATIENCE).until(() -> {
            first.set(post("/v1/subscribers/" + subscriberId + "/verification", "{\"code\":\"" + wrong + "\"}"));
            return !first.get().body().contains("No code has been issued yet");
        });
        assertThat(first.get().body()).contains("Wrong code; 4 more attempt(s)");
        HttpResponse<String> answer = first.get();
        for (int attempt = 2; attempt <= 10 && answer.statusCode() != 429; attempt++) {
            answer = post("/v1/subscribers/" + subscriberId + "/verification", "{\"code\":\"" + wrong + "\"}");
            assertThat(answer.statusCode()).as(answer.body()).isIn(422, 429);
        }

        assertThat(answer.statusCode()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(answer.body()).contains("locked");
        HttpResponse<String> rightButLocked = post("/v1/subscribers/" + subscriberId + "/verification", "{\"code\":\"" + code + "\"}");
        assertThat(rightButLocked.statusCode()).isEqualTo(429);
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
                .as("no operator key").isEqualTo(401);
        HttpResponse<String> accepted = operator("POST", "/v1/subscribers/" + subscriberId + "/adjustments", adjustment);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(operator("POST", "/v1/subscribers/" + subscriberId + "/adjustments", adjustment).statusCode()).isEqualTo(202);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/v1/subscribers/" + subscriberId + "/balance").body())
                .contains("\"amount\":\"7.50\"").contains("\"version\":2"));
        String ledger = get("/v1/subscribers/" + subscriberId + "/ledger?limit=10").body();
        assertThat(ledger).contains("duplicate bundle refund").contains("\"amount\":\"-2.50\"")
                .contains("\"balanceAfter\":{\"amount\":\"7.50\"").contains("opening balance");
        assertThat(ledger.split("\"version\"")).as("two entries, not three").hasSize(3);
    }

    @Test
    void the_profile_masks_the_number_unless_the_operator_asks() throws Exception {
        String subscriberId = register("+8562055510004", "LAK", "th");
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/" + subscriberId).statusCode() == 200);

        assertThat(get("/v1/subscribers/" + subscriberId).body()).contains("+856******0004").doesNotContain("+8562055510004")
                .contains("\"language\":\"th\"");
        assertThat(operator("GET", "/v1/subscribers/" + subscriberId, null).body()).contains("+8562055510004");
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
                get("/v1/subscribers/nobody/ledger"),
                operator("POST", "/v1/subscribers/" + alice + "/adjustments",
                        "{\"amount\":{\"amount\":\"5.00\",\"currency\":\"USD\"},\"reason\":\"x\",\"idempotencyKey\":\"ops-00000002\"}"),
                operator("POST", "/v1/subscribers/" + alice + "/adjustments",
                        "{\"amount\":{\"amount\":\"0\",\"currency\":\"LAK\"},\"reason\":\"x\",\"idempotencyKey\":\"ops-00000003\"}"),
                operator("POST", "/v1/subscribers/nobody/adjustments",
                        "{\"amount\":{\"amount\":\"500\",\"currency\":\"LAK\"},\"reason\":\"x\",\"idempotencyKey\":\"ops-00000004\"}"));

        assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(400, 400, 400, 400, 404, 422, 400, 404);
        assertThat(answers).allSatisfy(answer -> assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).contains("problem+json")));
    }

    private HttpResponse<String> operator(String method, String path, String json) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path)).header("Content-Type", "application/json")
                .header("X-Operator-Key", OPERATOR_KEY)
                .method(method, json == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String register(String msisdn, String currency, String language, String openingBalance) throws Exception {
        HttpResponse<String> response = post("/v1/subscribers", "{\"msisdn\":\"" + msisdn + "\",\"currency\":\"" + currency
                + "\",\"language\":\"" + language + "\",\"openingBalance\":" + openingBalance + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body().replaceAll(".*\"subscriberId\":\"([^\"]+)\".*", "$1");
    }

    private String register(String msisdn, String currency, String language) throws Exception {
        HttpResponse<String> response = post("/v1/subscribers", "{\"msisdn\":\"" + msisdn + "\",\"currency\":\"" + currency
                + "\",\"language\":\"" + language + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body().replaceAll(".*\"subscriberId\":\"([^\"]+)\".*", "$1");
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return new LocalHttp(port).post(path, json);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return new LocalHttp(port).get(path);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
