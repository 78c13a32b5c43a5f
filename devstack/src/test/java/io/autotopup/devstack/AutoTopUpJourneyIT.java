package io.autotopup.devstack;

import io.autotopup.topupctl.stack.StackClient;
import io.autotopup.topupctl.stack.StackEndpoints;
import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The user journeys end to end, through a real broker and the four services: usage drains a balance, the
 * card is charged exactly once, the balance is credited and the subscriber gets one SMS in their language;
 * and replaying the usage changes nothing.
 */
class AutoTopUpJourneyIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static InProcessStack stack;
    private static StackClient client;

    @BeforeAll
    static void startStack() throws Exception {
        stack = InProcessStack.startHealthy(PATIENCE);
        client = stack.client();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void usage_below_the_threshold_tops_up_once_credits_the_balance_and_texts_in_lao() throws Exception {
        String msisdn = newLaoMsisdn();
        String nationalFormat = "0" + msisdn.substring(4, 6) + " " + msisdn.substring(6, 10) + " " + msisdn.substring(10);
        var registered = client.registerSubscriber(nationalFormat, "LAK", "lo", "30000");
        assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
        String subscriberId = registered.text("subscriberId");
        assertThat(registered.text("msisdn")).isEqualTo(msisdn);
        assertThat(registered.text("status")).isEqualTo("PENDING_VERIFICATION");
        var signedIn = client.signIn(msisdn, PATIENCE);
        assertThat(signedIn.status()).as(signedIn.body().toString()).isEqualTo(200);
        assertThat(signedIn.text("subscriberId")).as("the token names the subscriber the carrier provisioned").isEqualTo(subscriberId);
        assertThat(client.inbox(msisdn).get(0).path("text").asText()).as("the code SMS, in Lao").startsWith("ລະຫັດ AutoTopUp");

        String card = client.tokenizeCard("4242424242424242", 12, 2035);
        var bound = client.bindPaymentMethod(subscriberId, card);
        assertThat(bound.status()).as(bound.body().toString()).isEqualTo(201);
        assertThat(bound.text("last4")).isEqualTo("4242");
        var rule = client.setAutoTopUpRule(subscriberId, "10000", "50000", "LAK", bound.text("paymentMethodId"), PATIENCE);
        assertThat(rule.status()).as(rule.body().toString()).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> client.autoTopUpRule(subscriberId).status() == 200);
        await().atMost(PATIENCE).until(() -> "30000".equals(client.balance(subscriberId).body().path("balance").path("amount").asText()));

        List<UsageRecorded> usage = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            usage.add(usage(msisdn, "cdr-" + UUID.randomUUID(), 8_000));
        }
        client.publishUsage(usage.toArray(UsageRecorded[]::new));

        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonNode balance = client.balance(subscriberId).body();
            assertThat(balance.path("balance").path("amount").asText()).isEqualTo("56000");
            assertThat(balance.path("version").asLong()).isEqualTo(5);
        });
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(topUpTexts(msisdn)).hasSize(1));
        assertThat(successfulCharges(card)).hasSize(1);
        JsonNode sms = topUpTexts(msisdn).get(0);
        assertThat(sms.path("text").asText()).startsWith("ເຕີມເງິນອັດຕະໂນມັດ").contains("50,000 ₭").contains("56,000 ₭");
        assertThat(client.autoTopUpRule(subscriberId).text("state")).isEqualTo("ARMED");

        client.publishUsage(usage.toArray(UsageRecorded[]::new));
        client.publishUsage(usage(msisdn, "cdr-marker-" + UUID.randomUUID(), 1_000));

        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonNode balance = client.balance(subscriberId).body();
            assertThat(balance.path("balance").path("amount").asText()).as("only the new usage was debited").isEqualTo("55000");
            assertThat(balance.path("version").asLong()).isEqualTo(6);
        });
        assertThat(successfulCharges(card)).as("no second charge").hasSize(1);
        assertThat(topUpTexts(msisdn)).as("no second SMS").hasSize(1);
        assertThat(client.inbox(msisdn)).as("the code and the top-up, nothing else").hasSize(2);

        assertThat(prometheus(stack.endpoints.ruleEngineUrl())).as("top-ups requested")
                .containsPattern("autotopup_rule_emissions_total\\{application=\"rule-engine-service\",event=\"TopUpRequested\"\\} [1-9]");
        assertThat(prometheus(stack.endpoints.paymentUrl())).as("charge latency")
                .containsPattern("autotopup_charge_seconds_count\\{application=\"payment-service\",decision=\"Settle\"\\} [1-9]")
                .containsPattern("autotopup_charge_seconds_bucket\\{application=\"payment-service\",decision=\"Settle\",le=");
        assertTheDashboardPlotsWhatTheServicesPublish();
    }

    /**
     * Every series the Grafana dashboard (deploy/grafana) plots, and every series an alert of the PrometheusRule
     * (deploy/k8s/base/monitoring.yaml) watches, is published by a service, with its {@code application} label, except
     * those that only appear once something has failed (or was replayed).
     */
    private static void assertTheDashboardPlotsWhatTheServicesPublish() throws Exception {
        String dashboard = Files.readString(InProcessStack.repositoryRoot().resolve("deploy/grafana/autotopup-dashboard.json"));
        Set<String> plotted = new TreeSet<>();
        Matcher series = Pattern.compile("\\b([a-z][a-z0-9_]+)\\{application=~").matcher(dashboard);
        while (series.find()) {
            plotted.add(series.group(1));
        }
        String rules = Files.readString(InProcessStack.repositoryRoot().resolve("deploy/k8s/base/monitoring.yaml"));
        Set<String> alerted = new TreeSet<>();
        Matcher expression = Pattern.compile("(?m)^\\s*expr: (.+)$").matcher(rules);
        while (expression.find()) {
            // the series the services publish; up and time() are Prometheus's own
            Matcher name = Pattern.compile("\\b((?:autotopup|resilience4j|kafka)_[a-z0-9_]+)").matcher(expression.group(1));
            while (name.find()) {
                alerted.add(name.group(1));
            }
        }
        assertThat(alerted).hasSizeGreaterThan(8);
        plotted.addAll(alerted);
        Set<String> onlyAfterAFailure = Set.of("autotopup_ledger_refused_total", "autotopup_topups_deferred_total",
                "autotopup_sms_send_failures_total", "autotopup_dead_letters_total", "autotopup_ledger_dry_run_total",
                "autotopup_topups_dry_run_total", "autotopup_sms_dry_run_total", "autotopup_reconciliation_discrepancies_total");
        StringBuilder published = new StringBuilder();
        for (String service : stack.serviceUrls()) {
            published.append(prometheus(service));
        }
        assertThat(plotted).hasSizeGreaterThan(10);
        for (String name : plotted) {
            if (!onlyAfterAFailure.contains(name)) {
                assertThat(published.toString()).as((alerted.contains(name) ? "an alert watches " : "the dashboard plots ") + name).containsPattern(
                        "(?m)^" + Pattern.quote(name) + "\\{[^}]*application=\"[a-z-]+-service\"");
            }
        }
    }


    private static String prometheus(String serviceUrl) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(serviceUrl + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * Issue 28: with a wallet as the method, the gateway charged and the request was dead-lettered: never credited, never
     * texted. Each wallet kind tops up, is credited once and texted; then reconciliation (as an operator runs it, with
     * topupctl) finds the gateway and the books agree.
     */
    @Test
    void a_top_up_from_each_wallet_is_charged_once_credited_and_texted_and_reconciliation_finds_nothing_amiss() {
        java.time.Instant from = java.time.Instant.now();
        Map<String, String> subscribers = new java.util.LinkedHashMap<>();
        Map<String, String> tokens = new java.util.HashMap<>();
        for (String wallet : List.of("ALIPAY", "WECHAT_PAY", "BCEL_ONEPAY")) {
            String msisdn = newLaoMsisdn();
            var registered = client.registerSubscriber(msisdn, "LAK", "en", "12000");
            assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
            String subscriberId = registered.text("subscriberId");
            assertThat(client.signIn(msisdn, PATIENCE).status()).isEqualTo(200);
            String token = client.tokenizeWallet(wallet, msisdn);
            var bound = client.bindPaymentMethod(subscriberId, token);
            assertThat(bound.status()).as(bound.body().toString()).isEqualTo(201);
            assertThat(bound.text("type")).isEqualTo(wallet);
            assertThat(client.setAutoTopUpRule(subscriberId, "10000", "50000", "LAK", null, PATIENCE).status()).isEqualTo(200);
            await().atMost(PATIENCE).until(() -> client.autoTopUpRule(subscriberId).status() == 200);
            subscribers.put(msisdn, subscriberId);
            tokens.put(msisdn, token);
        }

        subscribers.keySet().forEach(msisdn -> client.publishUsage(usage(msisdn, "cdr-" + UUID.randomUUID(), 5_000)));

        subscribers.forEach((msisdn, subscriberId) -> {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(client.balance(subscriberId).body().path("balance")
                    .path("amount").asText()).as(msisdn + " credited").isEqualTo("57000"));
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(topUpTexts(msisdn)).hasSize(1));
            assertThat(topUpTexts(msisdn).get(0).path("text").asText()).contains("50,000 ₭").contains("57,000 ₭");
            assertThat(successfulCharges(tokens.get(msisdn))).as("charged once").hasSize(1);
        });

        java.io.StringWriter out = new java.io.StringWriter();
        int code = io.autotopup.topupctl.TopUpCtl.commandLine().setOut(new java.io.PrintWriter(out, true))
                .setErr(new java.io.PrintWriter(out, true)).execute("payments", "reconcile", "--payment-url",
                        stack.endpoints.paymentUrl(), "--auth-url", stack.authUrlOf, "--client-id", "topupctl", "--client-secret",
                        InProcessStack.TOPUPCTL_SECRET, "--from", from.toString(), "--to", java.time.Instant.now().toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("the gateway and the books agree").containsPattern("[3-9] charges");
    }

    @Test
    void a_declined_card_is_not_credited_and_the_subscriber_is_told_why_in_english() {
        String msisdn = newLaoMsisdn();
        var registered = client.registerSubscriber(msisdn, "LAK", "en", "12000");
        assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
        String subscriberId = registered.text("subscriberId");
        assertThat(client.signIn(msisdn, PATIENCE).status()).isEqualTo(200);
        var bound = client.bindPaymentMethod(subscriberId, client.tokenizeCard("4000000000000002", 12, 2035));
        assertThat(bound.status()).isEqualTo(201);
        assertThat(client.setAutoTopUpRule(subscriberId, "10000", "50000", "LAK", null, PATIENCE).status()).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> client.autoTopUpRule(subscriberId).status() == 200);

        client.publishUsage(usage(msisdn, "cdr-" + UUID.randomUUID(), 5_000));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(topUpTexts(msisdn)).hasSize(1));
        assertThat(topUpTexts(msisdn).get(0).path("text").asText())
                .isEqualTo("Auto top-up of 50,000 ₭ failed: your card was declined. Please update your payment method.");
        assertThat(client.balance(subscriberId).body().path("balance").path("amount").asText()).isEqualTo("7000");
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(client.autoTopUpRule(subscriberId).text("state")).isEqualTo("SUSPENDED"));
    }

    @Test
    void one_usage_event_is_traced_from_the_carrier_through_every_service_to_the_sms() {
        String msisdn = newLaoMsisdn();
        var registered = client.registerSubscriber(msisdn, "LAK", "th", "12000");
        String subscriberId = registered.text("subscriberId");
        assertThat(client.signIn(msisdn, PATIENCE).status()).isEqualTo(200);
        var bound = client.bindPaymentMethod(subscriberId, client.tokenizeCard("4242424242424242", 12, 2035));
        assertThat(client.setAutoTopUpRule(subscriberId, "10000", "50000", "LAK", bound.text("paymentMethodId"), PATIENCE)
                .status()).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> client.autoTopUpRule(subscriberId).status() == 200);

        // the carrier's billing system traces its own pipeline and hands the trace over with the usage event
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String carrierSpan = "00f067aa0ba902b7";
        List<String> topics = List.of(Topics.BALANCE_CHANGES.name(), Topics.TOP_UP_REQUESTS.name(), Topics.TOP_UP_OUTCOMES.name(),
                Topics.NOTIFICATIONS.name());
        Map<TopicPartition, Long> before = endOffsets(topics);
        client.publishUsage(List.of(new RecordHeader("traceparent",
                ("00-" + traceId + "-" + carrierSpan + "-01").getBytes(StandardCharsets.UTF_8))),
                usage(msisdn, "cdr-" + UUID.randomUUID(), 5_000));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(topUpTexts(msisdn)).hasSize(1));
        // the SMS is recorded as sent after it went out: wait for that second hop before reading the trace
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(traceparents(Topics.NOTIFICATIONS.name(), subscriberId, before))
                .hasSizeGreaterThanOrEqualTo(2));
        Map<String, List<String>> parents = new TreeMap<>();
        for (String topic : topics) {
            parents.put(topic, traceparents(topic, subscriberId, before));
        }
        parents.forEach((topic, traceparents) -> {
            assertThat(traceparents).as("every record on " + topic + " for the subscriber after the usage event").isNotEmpty();
            assertThat(traceparents).as(topic).allSatisfy(traceparent -> {
                assertThat(traceparent).as("same trace as the carrier's").startsWith("00-" + traceId + "-");
                assertThat(traceparent).as("a span of our own, not the carrier's").doesNotContain(carrierSpan);
            });
        });
        assertThat(parents.get(Topics.NOTIFICATIONS.name())).as("requested, then sent: two hops, two spans")
                .hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates();
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.endpoints.kafkaBootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<TopicPartition, Long> endOffsets(List<String> topics) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = topics.stream().flatMap(topic -> consumer.partitionsFor(topic).stream())
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            return consumer.endOffsets(partitions);
        }
    }

    /** The {@code traceparent} headers of the subscriber's committed records written since {@code from}, where they carry one. */
    private static List<String> traceparents(String topic, String subscriberId, Map<TopicPartition, Long> from) {
        List<String> found = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : CommittedRecords.of(stack.endpoints.kafkaBootstrap(), topic)) {
            Header traceparent = record.headers().lastHeader("traceparent");
            if (record.offset() >= from.get(new TopicPartition(record.topic(), record.partition()))
                    && subscriberId.equals(record.key()) && traceparent != null) {
                found.add(new String(traceparent.value(), StandardCharsets.UTF_8));
            }
        }
        return found;
    }

    /** A fresh Unitel-style number, +856 20 5xxx xxxx, so the journeys never share a subscriber. */
    private static String newLaoMsisdn() {
        return "+856205" + String.format("%07d", java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000_000));
    }

    /** The texts about top-ups, leaving out the one-time code. */
    private static List<JsonNode> topUpTexts(String msisdn) {
        List<JsonNode> texts = new ArrayList<>();
        client.inbox(msisdn).forEach(sms -> {
            if (!sms.path("text").asText().contains("AutoTopUp")) {
                texts.add(sms);
            }
        });
        return texts;
    }

    /** The gateway's successful charges of the card (its token), whoever else the tests charge. */
    private static List<JsonNode> successfulCharges(String token) {
        List<JsonNode> succeeded = new ArrayList<>();
        client.charges().forEach(charge -> {
            if ("succeeded".equals(charge.path("status").asText()) && token.equals(charge.path("token").asText())) {
                succeeded.add(charge);
            }
        });
        return succeeded;
    }

    private static UsageRecorded usage(String msisdn, String eventId, long kip) {
        return UsageRecorded.newBuilder().setEventId(eventId).setCarrierId("unitel").setMsisdn(msisdn)
                .setUsageType(UsageType.DATA).setUnits(100).setUnit("MB").setCharge(money(kip, "LAK"))
                .setOccurredAt(Instant.now()).build();
    }
}
