package io.autotopup.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autotopup.events.VerificationCodeIssued;
import io.autotopup.platform.security.OneTimeCodes;
import io.autotopup.platform.security.Scopes;
import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.schemas.Topics;
import io.autotopup.platform.testing.LocalHttp;
import io.autotopup.platform.testing.TestIssuer;
import io.autotopup.platform.testing.TestBrokers;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** Two instances of balance-service on one broker: a read for any subscriber works on either instance. */
class TwoInstancesIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final TestIssuer ISSUER = TestIssuer.start();
    private static final String OPERATOR = ISSUER.machineToken("carrier-ops", Scopes.BALANCE_ADJUST, Scopes.SUBSCRIBERS_READ);
    private static final String AUTH_SERVER = ISSUER.machineToken("autotopup-auth", Scopes.SIGN_IN);

    private EmbeddedKafkaKraftBroker broker;
    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @BeforeEach
    void startBroker() {
        broker = TestBrokers.singleBroker();
    }

    @AfterEach
    void stop() {
        instances.forEach(ConfigurableApplicationContext::close);
        broker.destroy();
    }

    @Test
    void every_subscriber_reads_the_same_on_both_instances_and_reads_are_forwarded_to_the_owner() throws Exception {
        LocalHttp first = new LocalHttp(start("a")).as(OPERATOR);
        LocalHttp second = new LocalHttp(start("b")).as(OPERATOR);
        await().atMost(PATIENCE).until(() -> instances.stream().allMatch(context -> {
            KafkaStreams streams = context.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
            return streams != null && streams.state() == KafkaStreams.State.RUNNING;
        }));

        List<String> subscribers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String body = "{\"msisdn\":\"+856205552000" + i + "\",\"currency\":\"LAK\",\"language\":\"lo\","
                    + "\"openingBalance\":{\"amount\":\"" + (1000 + i) + "\",\"currency\":\"LAK\"}}";
            // while the instances rebalance, the answer is 503 with Retry-After, and a client asks again
            AtomicReference<HttpResponse<String>> registered = new AtomicReference<>();
            await().atMost(PATIENCE).until(() -> {
                registered.set(first.post("/v1/subscribers", body));
                assertThat(registered.get().statusCode()).as(registered.get().body()).isIn(201, 503);
                return registered.get().statusCode() == 201;
            });
            subscribers.add(registered.get().body().replaceAll(".*\"subscriberId\":\"([^\"]+)\".*", "$1"));
        }

        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < subscribers.size(); i++) {
            String id = subscribers.get(i);
            for (LocalHttp instance : List.of(first, second)) {
                await().atMost(PATIENCE).untilAsserted(() -> {
                    HttpResponse<String> balance = instance.get("/v1/subscribers/" + id + "/balance");
                    assertThat(balance.statusCode()).as(balance.body()).isEqualTo(200);
                    assertThat(balance.body()).contains("\"subscriberId\":\"" + id + "\"").contains("\"version\":1");
                    balance.headers().firstValue("X-Autotopup-Served-By").ifPresent(servedBy::add);
                });
            }
        }
        assertThat(servedBy).as("some reads were answered by the other instance").isNotEmpty();
    }

    /** Wrong codes sent to either instance are counted together: the one that owns the subscriber judges them all. */
    @Test
    void wrong_codes_sent_to_two_instances_lock_after_five_in_all() throws Exception {
        LocalHttp first = new LocalHttp(start("a"));
        LocalHttp second = new LocalHttp(start("b"));
        await().atMost(PATIENCE).until(() -> instances.stream().allMatch(context -> {
            KafkaStreams streams = context.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
            return streams != null && streams.state() == KafkaStreams.State.RUNNING;
        }));
        AtomicReference<HttpResponse<String>> registered = new AtomicReference<>();
        await().atMost(PATIENCE).until(() -> {
            registered.set(first.as(OPERATOR).post("/v1/subscribers",
                    "{\"msisdn\":\"+8562055530001\",\"currency\":\"LAK\",\"language\":\"lo\"}"));
            return registered.get().statusCode() == 201;
        });
        String id = registered.get().body().replaceAll(".*\"subscriberId\":\"([^\"]+)\".*", "$1");
        // provisioned numbers get their first code when they sign in, as the authorization server asks for it
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> sent = second.as(AUTH_SERVER).post("/v1/subscribers/" + id + "/sign-in-code", "");
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        });
        String wrong = "000000".equals(textedCode(id)) ? "111111" : "000000";

        List<Integer> answers = new ArrayList<>();
        for (int attempt = 0; attempt < 7; attempt++) {
            LocalHttp instance = (attempt % 2 == 0 ? first : second).as(AUTH_SERVER);
            AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
            await().atMost(PATIENCE).until(() -> {
                answer.set(instance.post("/v1/subscribers/" + id + "/sign-in", "{\"code\":\"" + wrong + "\"}"));
                return answer.get().statusCode() != 503;
            });
            answers.add(answer.get().statusCode());
        }

        assertThat(answers).as("four wrong, then locked on both").containsExactly(422, 422, 422, 422, 429, 429, 429);
    }

    /** The code texted to the subscriber, opened as notification-service opens it. */
    private String textedCode(String subscriberId) {
        AtomicReference<String> code = new AtomicReference<>();
        await().atMost(PATIENCE).until(() -> {
            CommittedRecords.of(broker.getBrokersAsString(), Topics.SUBSCRIBER_VERIFICATIONS.name(),
                    Topics.SUBSCRIBER_VERIFICATIONS.keySerde().deserializer(), Topics.SUBSCRIBER_VERIFICATIONS.valueSerde().deserializer())
                    .forEach(record -> {
                        if (subscriberId.equals(record.key()) && record.value() instanceof VerificationCodeIssued issued) {
                            code.set(OneTimeCodes.fromBase64(BalanceServiceIT.CODE_KEY).open(issued.getSealedCode()));
                        }
                    });
            return code.get() != null;
        });
        return code.get();
    }

    private int start(String name) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        instances.add(new SpringApplicationBuilder(BalanceServiceApplication.class).run(
                "--spring.config.name=" + BalanceServiceApplication.CONFIG_NAME, "--server.port=" + port,
                "--server.address=127.0.0.1", "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--spring.kafka.streams.state-dir=" + Files.createTempDirectory("two-instances-" + name),
                "--spring.kafka.streams.properties.application.server=127.0.0.1:" + port,
                "--autotopup.verification.key=" + BalanceServiceIT.CODE_KEY,
                ISSUER.trustedByArguments(0).get(0), ISSUER.trustedByArguments(0).get(1), ISSUER.trustedByArguments(0).get(2)));
        return port;
    }
}
