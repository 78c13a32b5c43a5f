package io.autotopup.balance;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.platform.security.Scopes;
import io.autotopup.platform.testing.LocalHttp;
import io.autotopup.platform.testing.TestIssuer;
import io.autotopup.platform.testing.TestBrokers;
import io.autotopup.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;

/**
 * balance-service stopped in the middle of a stream of usage and started again, once on its own state
 * directory and once on an empty one (restoring from the changelog): every event is debited exactly once.
 */
class LedgerRestartIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String MSISDN = "+8562055519999";
    private static final TestIssuer ISSUER = TestIssuer.start();
    private static final String OPERATOR = ISSUER.machineToken("carrier-ops", Scopes.BALANCE_ADJUST, Scopes.SUBSCRIBERS_READ);

    private EmbeddedKafkaKraftBroker broker;
    private KafkaProducer<String, UsageRecorded> carrier;

    @BeforeEach
    void startBroker() {
        broker = TestBrokers.singleBroker();
        carrier = new KafkaProducer<>(KafkaTestUtils.producerProps(broker.getBrokersAsString()),
                Topics.USAGE_EVENTS.keySerde().serializer(), Topics.USAGE_EVENTS.valueSerde().serializer());
    }

    @AfterEach
    void stopBroker() {
        carrier.close();
        broker.destroy();
    }

    @Test
    void a_restart_mid_stream_on_the_same_state_loses_nothing_and_applies_nothing_twice() throws Exception {
        restartMidStream(false);
    }

    @Test
    void a_restart_mid_stream_on_an_empty_state_directory_restores_from_kafka_exactly() throws Exception {
        restartMidStream(true);
    }

    private void restartMidStream(boolean freshStateDir) throws Exception {
        Path state = Files.createTempDirectory("ledger-restart");
        ConfigurableApplicationContext first = start(state);
        LocalHttp http = new LocalHttp(port(first)).as(OPERATOR);
        String id = http.post("/v1/subscribers", "{\"msisdn\":\"" + MSISDN + "\",\"currency\":\"LAK\",\"language\":\"lo\","
                + "\"openingBalance\":{\"amount\":\"1000000\",\"currency\":\"LAK\"}}").body()
                .replaceAll(".*\"subscriberId\":\"([^\"]+)\".*", "$1");
        await().atMost(PATIENCE).until(() -> http.get("/v1/subscribers/" + id + "/balance").body().contains("\"version\":1"));

        publish(1, 150);
        first.close();
        publish(101, 300);

        ConfigurableApplicationContext second = start(freshStateDir ? Files.createTempDirectory("ledger-restart-fresh") : state);
        try {
            LocalHttp again = new LocalHttp(port(second)).as(OPERATOR);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(again.get("/v1/subscribers/" + id + "/balance").body())
                    .contains("\"amount\":\"970000\"").contains("\"version\":301"));
            publish(1, 300);
            publish(301, 301);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(again.get("/v1/subscribers/" + id + "/balance").body())
                    .as("replayed events change nothing; the new one is applied")
                    .contains("\"amount\":\"969900\"").contains("\"version\":302"));
        } finally {
            second.close();
        }
    }

    private void publish(int from, int to) throws Exception {
        for (int n = from; n <= to; n++) {
            carrier.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), MSISDN, UsageRecorded.newBuilder()
                    .setEventId("cdr-" + n).setCarrierId("unitel").setMsisdn(MSISDN).setUsageType(UsageType.SMS).setUnits(1)
                    .setUnit("MESSAGE").setCharge(money(100, "LAK")).setOccurredAt(Instant.now()).build()));
        }
        carrier.flush();
    }

    private ConfigurableApplicationContext start(Path stateDir) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(BalanceServiceApplication.class).run(
                "--spring.config.name=" + BalanceServiceApplication.CONFIG_NAME, "--server.port=0",
                "--server.address=127.0.0.1", "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--spring.kafka.streams.state-dir=" + stateDir,
                "--autotopup.verification.key=" + BalanceServiceIT.CODE_KEY,
                ISSUER.trustedByArguments(0).get(0), ISSUER.trustedByArguments(0).get(1), ISSUER.trustedByArguments(0).get(2),
                // static membership, as on Kubernetes with the pod name: the restarted instance is known at once
                "--spring.kafka.streams.properties.group.instance.id=balance-service-restart-it");
        StreamsBuilderFactoryBean streams = context.getBean(StreamsBuilderFactoryBean.class);
        await().atMost(PATIENCE).until(() -> streams.getKafkaStreams() != null
                && streams.getKafkaStreams().state() == KafkaStreams.State.RUNNING);
        return context;
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }
}
