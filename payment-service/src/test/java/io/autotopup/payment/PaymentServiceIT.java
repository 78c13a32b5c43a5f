package io.autotopup.payment;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import io.autotopup.platform.testing.LocalHttp;
import io.autotopup.platform.testing.SingleBrokerKafka;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** payment-service wired to a real broker and the sandbox gateway: one outcome per request, nothing blocked. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        args = "--spring.config.name=" + PaymentServiceApplication.CONFIG_NAME,
        properties = {"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "spring.kafka.streams.state-dir=${java.io.tmpdir}/autotopup-it/${random.uuid}"})
@SingleBrokerKafka
class PaymentServiceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final SandboxGateway GATEWAY = startGateway();

    @Autowired
    EmbeddedKafkaBroker broker;
    @Autowired
    StreamsBuilderFactoryBean streams;
    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        registry.add("autotopup.gateway.base-url", GATEWAY::baseUrl);
    }

    @AfterAll
    static void stopGateway() {
        GATEWAY.close();
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
                .contains("Not an Avro single-object encoded record");
    }

    @Test
    void a_bound_card_is_charged_once_even_when_the_request_is_delivered_twice() throws Exception {
        String token = GATEWAY.tokenize("4242424242424242", 12, 2035).token();
        HttpResponse<String> bound = post("/v1/subscribers/sub-alice/payment-methods", "{\"token\":\"" + token + "\"}");
        assertThat(bound.statusCode()).as(bound.body()).isEqualTo(201);
        assertThat(bound.body()).contains("\"last4\":\"4242\"").contains("\"isDefault\":true").doesNotContain(token);
        await().atMost(PATIENCE).until(() -> get("/v1/subscribers/sub-alice/payment-methods").body().contains("4242"));

        byte[] request = request("req-alice-1", "sub-alice", null);
        publish(Topics.TOP_UP_REQUESTS.name(), "sub-alice", request);
        publish(Topics.TOP_UP_REQUESTS.name(), "sub-alice", request);

        List<SpecificRecord> outcomes = outcomesFor("req-alice-1", 2);
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isInstanceOf(TopUpCompleted.class));
        assertThat(outcomes).extracting(outcome -> ((TopUpCompleted) outcome).getPaymentReference()).containsOnly(
                GATEWAY.charges().get(0).id());
        assertThat(GATEWAY.charges()).as("the gateway charged once").hasSize(1);
    }

    @Test
    void a_card_number_is_refused_before_anything_is_stored() throws Exception {
        HttpResponse<String> response = post("/v1/subscribers/sub-bob/payment-methods",
                "{\"number\":\"4242424242424242\",\"cvc\":\"123\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("never a card number").doesNotContain("4242424242424242");
    }

    private static byte[] request(String requestId, String subscriberId, String paymentMethodId) {
        TopUpRequested request = TopUpRequested.newBuilder().setRequestId(requestId).setSubscriberId(subscriberId)
                .setAmount(money(50_000, "LAK")).setPaymentMethodId(paymentMethodId).setTriggeringEventId("bc-1")
                .setRequestedAt(Instant.now()).build();
        return Topics.TOP_UP_REQUESTS.valueSerde().serializer().serialize(Topics.TOP_UP_REQUESTS.name(), request);
    }

    private void publish(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaTestUtils.producerProps(broker.getBrokersAsString()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
        }
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

    private HttpResponse<String> get(String path) throws Exception {
        return new LocalHttp(port).get(path);
    }

    private static SandboxGateway startGateway() {
        try {
            return SandboxGateway.start(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
