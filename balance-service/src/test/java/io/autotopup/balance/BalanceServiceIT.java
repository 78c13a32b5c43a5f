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
                "spring.kafka.streams.state-dir=${java.io.tmpdir}/autotopup-it/${random.uuid}"})
@SingleBrokerKafka
class BalanceServiceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

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
    void an_unknown_subscriber_has_no_balance() throws Exception {
        HttpResponse<String> response = get("/v1/subscribers/nobody/balance");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("No subscriber nobody");
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
