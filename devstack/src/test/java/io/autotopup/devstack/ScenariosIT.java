package io.autotopup.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.schemas.Topics;
import io.autotopup.topupctl.TopUpCtl;
import io.autotopup.topupctl.stack.StackClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario shipped in {@code scenarios/} passes against the whole system, run through topupctl's own
 * command line; and replaying a scenario's usage changes nothing: no new charge, no new SMS, the same balances.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScenariosIT {

    private static InProcessStack stack;
    private static StackClient client;

    @BeforeAll
    static void startStack() throws Exception {
        stack = InProcessStack.startHealthy(Duration.ofSeconds(60));
        client = stack.client();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    static Stream<Path> scenarios() throws Exception {
        try (Stream<Path> files = Files.list(InProcessStack.repositoryRoot().resolve("scenarios"))) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    @Order(1)
    void the_shipped_scenario_passes(Path scenario) {
        Run run = topupctl("scenario", "run", scenario.toString());

        assertThat(run.out()).as(run.err()).contains("result: PASS").doesNotContain("FAIL");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    }

    @Test
    @Order(2)
    void replaying_a_scenarios_usage_charges_no_one_texts_no_one_and_moves_no_balance() throws Exception {
        Instant start = Instant.now().minusMillis(1);
        Run seed = topupctl("scenario", "run", InProcessStack.repositoryRoot().resolve("scenarios/seed-journey.yaml").toString());
        assertThat(seed.exitCode()).as(seed.out() + seed.err()).isZero();
        JsonNode chargesBefore = client.charges();
        int textsBefore = client.allTexts().size();
        Map<String, String> balancesBefore = balancesOfEveryone();

        Run replay = topupctl("replay", "--topic", Topics.USAGE_EVENTS.name(), "--from", start.toString(), "--to", "now");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.err()).containsPattern("replayed [1-9][0-9]* records of usage-events");
        Run again = topupctl("replay", "--topic", Topics.BALANCE_CHANGES.name(), "--from", start.toString(), "--to", "now");
        assertThat(again.exitCode()).as(again.err()).isZero();

        awaitConsumed("balance-service", Topics.USAGE_EVENTS.name());
        awaitConsumed("rule-engine-service", Topics.BALANCE_CHANGES.name());
        awaitConsumed("notification-service", Topics.BALANCE_CHANGES.name());
        awaitConsumed("payment-service-top-up-requests", Topics.TOP_UP_REQUESTS.name());
        awaitConsumed("notification-service", Topics.TOP_UP_OUTCOMES.name());
        awaitConsumed("balance-service", Topics.TOP_UP_OUTCOMES.name());
        awaitConsumed("rule-engine-service", Topics.TOP_UP_OUTCOMES.name());
        awaitConsumed("notification-service-sms", Topics.NOTIFICATIONS.name());
        assertThat(client.charges()).as("no new charge at the gateway").hasSize(chargesBefore.size());
        assertThat(client.allTexts()).as("no new SMS to anyone").hasSize(textsBefore);
        assertThat(balancesOfEveryone()).as("no balance moved").isEqualTo(balancesBefore);
    }

    @Test
    @Order(3)
    void generated_carrier_traffic_is_applied_and_its_latency_reported() {
        Run run = topupctl("generate", "--subscribers", "20", "--events", "300", "--rate", "300", "--json");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("\"subscribers\":20,\"events\":300,\"applied\":300")
                .containsPattern("\"p99\":[0-9.]+,\"p999\":[0-9.]+,\"max\":[0-9.]+");
        assertThat(run.err()).contains("usage [##############################] 100% 300/300");
    }

    /**
     * Waits until the consumer group (a Streams application or a listener's group) has read every committed
     * record of the topic: its committed offset on each partition is past the partition's last record.
     */
    private static void awaitConsumed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.endpoints.kafkaBootstrap()))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<TopicPartition, Long> lastRecord = new java.util.HashMap<>();
                CommittedRecords.of(stack.endpoints.kafkaBootstrap(), topic).forEach(record -> lastRecord.merge(
                        new TopicPartition(record.topic(), record.partition()), record.offset(), Math::max));
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                lastRecord.forEach((partition, last) -> {
                    OffsetAndMetadata read = committed.get(partition);
                    assertThat(read == null ? 0 : read.offset()).as(group + " on " + partition).isGreaterThan(last);
                });
            });
        }
    }

    /** Every subscriber's balance that the scenarios made, by subscriber id. */
    private static Map<String, String> balancesOfEveryone() {
        Map<String, String> balances = new java.util.TreeMap<>();
        for (String subscriberId : SUBSCRIBERS) {
            balances.put(subscriberId, client.balance(subscriberId).body().path("balance").path("amount").asText());
        }
        return balances;
    }

    private static final List<String> SUBSCRIBERS = new ArrayList<>();

    record Run(int exitCode, String out, String err) {
    }

    private static Run topupctl(String... arguments) {
        List<String> args = new ArrayList<>(List.of(arguments));
        args.addAll(List.of("--bootstrap-server", stack.endpoints.kafkaBootstrap()));
        if (arguments[0].equals("replay") || arguments[0].equals("import")) {
            args.addAll(List.of("--auth-url", stack.endpoints.authUrl(), "--client-secret", InProcessStack.TOPUPCTL_SECRET));
        }
        if (arguments[0].equals("scenario")) {
            args.addAll(List.of("--balance-url", stack.endpoints.balanceUrl(), "--rule-engine-url", stack.endpoints.ruleEngineUrl(),
                    "--payment-url", stack.endpoints.paymentUrl(), "--notification-url", stack.endpoints.notificationUrl(),
                    "--gateway-url", stack.endpoints.gatewayUrl(), "--sms-inbox-url", stack.endpoints.smsInboxUrl(),
                    "--auth-url", stack.endpoints.authUrl(), "--client-secret", InProcessStack.TOPUPCTL_SECRET));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = TopUpCtl.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        out.toString().lines().filter(line -> line.matches("\\s+\\S+\\s+\\+856\\S+\\s+\\S+\\s+\\(.*"))
                .forEach(line -> SUBSCRIBERS.add(line.trim().split("\\s+")[2]));
        System.out.print(out);
        System.err.print(err);
        return new Run(exitCode, out.toString(), err.toString());
    }

}
