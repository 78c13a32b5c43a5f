package io.autotopup.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.Language;
import io.autotopup.events.SmsMessageType;
import io.autotopup.events.SmsRequested;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpFailureReason;
import io.autotopup.events.TopUpRequested;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.platform.testing.TestBrokers;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.sandbox.smsc.SmsCentreSimulator;
import io.autotopup.schemas.Events;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The soak's checker on a world written by hand: it finds nothing wrong where nothing is, and it counts each break
 * of a money promise where one is (a usage event charged twice, a charge never credited, a top-up credited twice).
 */
class CheckerIT {

    private EmbeddedKafkaKraftBroker broker;
    private KafkaProducer<String, byte[]> producer;
    private final List<SandboxGateway.Charge> charges = new ArrayList<>();
    private final List<SmsCentreSimulator.ReceivedSms> inbox = new ArrayList<>();
    private final Instant now = Instant.parse("2026-12-02T05:00:00Z");

    @BeforeEach
    void aWorldWhereEverythingWentRight() throws Exception {
        broker = TestBrokers.singleBroker();
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<String, ?> topic : Topics.ALL) {
            topics.add(new NewTopic(topic.name(), 1, (short) 1));
            topics.add(new NewTopic(topic.deadLetterTopic(), 1, (short) 1));
        }
        TestBrokers.createTopics(broker, topics);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
                new StringSerializer(), new ByteArraySerializer());
        send(Topics.SUBSCRIBERS, "sub-1", SubscriberRegistered.newBuilder().setSubscriberId("sub-1").setMsisdn("+8562055500001")
                .setCurrency("LAK").setLanguage(Language.LO).setStatus(SubscriberStatus.ACTIVE)
                .setOpeningBalance(Events.money(30_000, "LAK")).setRegisteredAt(now).build());
        usage("u-1", 1_000);
        usage("u-2", 500);
        usage("u-1", 1_000); // a redelivery: charged once
        ledger(1, 0, 30_000, BalanceChangeReason.ADJUSTMENT, "opening");
        ledger(2, 30_000, -1_000, BalanceChangeReason.USAGE, Feed.CARRIER + ":u-1");
        ledger(3, 29_000, -500, BalanceChangeReason.USAGE, Feed.CARRIER + ":u-2");
        send(Topics.TOP_UP_REQUESTS, "sub-1", TopUpRequested.newBuilder().setRequestId("r-1").setSubscriberId("sub-1")
                .setAmount(Events.money(50_000, "LAK")).setPaymentMethodId("pm-1").setTriggeringEventId("u-2").setRequestedAt(now).setReason(io.autotopup.events.TopUpReason.AUTO).build());
        charge("r-1", 50_000);
        send(Topics.TOP_UP_OUTCOMES, "sub-1", completed("r-1"));
        ledger(4, 28_500, 50_000, BalanceChangeReason.TOP_UP, "r-1");
        send(Topics.NOTIFICATIONS, "sub-1", SmsRequested.newBuilder().setSmsId("sms-1").setSubscriberId("sub-1")
                .setMsisdn("+8562055500001").setLanguage(Language.LO).setMessageType(SmsMessageType.TOP_UP_SUCCEEDED)
                .setText("ເຕີມເງິນ 50,000 ກີບ").setSourceEventId("balance:ledger-4").setRequestedAt(now).build());
        inbox.add(new SmsCentreSimulator.ReceivedSms("autotopup", "8562055500001", "ເຕີມເງິນ 50,000 ກີບ", 1, List.of("m-1"), now));
    }

    @AfterEach
    void stop() {
        producer.close();
        broker.destroy();
    }

    @Test
    void a_world_where_every_promise_was_kept_has_no_violation() {
        Checker.Verdict verdict = check(78_500);

        assertThat(verdict.invariants()).allSatisfy(invariant -> assertThat(invariant.violations())
                .as(invariant.name() + ": " + invariant.examples()).isZero());
        assertThat(verdict.counts()).containsEntry("distinct usage events of known subscribers", 2L)
                .containsEntry("top-ups completed", 1L).containsEntry("gateway charges that succeeded", 1L);
    }

    @Test
    void a_usage_event_charged_twice_a_charge_never_credited_and_a_top_up_credited_twice_are_each_counted() {
        ledger(5, 78_500, -1_000, BalanceChangeReason.USAGE, Feed.CARRIER + ":u-1");
        send(Topics.TOP_UP_REQUESTS, "sub-1", TopUpRequested.newBuilder().setRequestId("r-2").setSubscriberId("sub-1")
                .setAmount(Events.money(50_000, "LAK")).setPaymentMethodId("pm-1").setTriggeringEventId("u-9").setRequestedAt(now).setReason(io.autotopup.events.TopUpReason.AUTO).build());
        charge("r-2", 50_000);
        send(Topics.TOP_UP_OUTCOMES, "sub-1", TopUpFailed.newBuilder().setRequestId("r-2").setSubscriberId("sub-1")
                .setAmount(Events.money(50_000, "LAK")).setPaymentMethodId("pm-1").setReason(TopUpFailureReason.GATEWAY_UNAVAILABLE)
                .setIsFinal(true).setFailedAt(now).build());
        ledger(6, 77_500, 50_000, BalanceChangeReason.TOP_UP, "r-1");

        Checker.Verdict verdict = check(127_500);

        assertThat(violations(verdict, "usage:")).isEqualTo(1);
        assertThat(violations(verdict, "gateway:")).isEqualTo(1);
        assertThat(violations(verdict, "top-ups: TopUpCompleted and TOP_UP")).isEqualTo(1);
        assertThat(verdict.moneyViolations()).isEqualTo(3);
    }

    @Test
    void a_broken_chain_and_a_balance_the_api_gets_wrong_are_counted() {
        ledger(5, 70_000, -1_000, BalanceChangeReason.USAGE, Feed.CARRIER + ":u-1");

        Checker.Verdict verdict = check(78_500);

        assertThat(violations(verdict, "ledger: each subscriber's entries")).isEqualTo(1);
        assertThat(violations(verdict, "balance:")).as("the API still answers the balance before the stray entry").isEqualTo(1);
    }

    @Test
    void poison_dead_lettered_once_each_with_spring_kafkas_binary_origin_headers_is_not_counted_twice() {
        // offsets 128 and 129 as 8-byte longs: read as text, both would become the same replacement characters
        for (long offset : new long[] {128, 129}) {
            producer.send(new ProducerRecord<>(Topics.USAGE_EVENTS.name(), "+8562055500001",
                    "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            ProducerRecord<String, byte[]> letter = new ProducerRecord<>(Topics.USAGE_EVENTS.deadLetterTopic(), "+8562055500001",
                    "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            letter.headers().add(io.autotopup.platform.streams.DeadLetters.REASON_CODE_HEADER, "UNDECODABLE".getBytes())
                    .add(io.autotopup.platform.streams.DeadLetters.ORIGINAL_TOPIC_HEADER, Topics.USAGE_EVENTS.name().getBytes())
                    .add(io.autotopup.platform.streams.DeadLetters.ORIGINAL_PARTITION_HEADER, java.nio.ByteBuffer.allocate(4).putInt(0).array())
                    .add(io.autotopup.platform.streams.DeadLetters.ORIGINAL_OFFSET_HEADER, java.nio.ByteBuffer.allocate(8).putLong(offset).array());
            producer.send(letter);
        }

        Checker.Verdict verdict = check(78_500);

        assertThat(verdict.invariants()).filteredOn(invariant -> invariant.name().startsWith("dead letters:"))
                .singleElement().satisfies(invariant -> assertThat(invariant.violations()).as(invariant.examples().toString()).isZero());
    }

    private Checker.Verdict check(long balanceTheApiAnswers) {
        producer.flush();
        return new Checker(broker.getBrokersAsString()).check(() -> charges, () -> inbox, id -> balanceTheApiAnswers, below -> List.of());
    }

    private static long violations(Checker.Verdict verdict, String prefix) {
        return verdict.invariants().stream().filter(invariant -> invariant.name().startsWith(prefix))
                .mapToLong(Checker.Invariant::violations).sum();
    }

    private void usage(String eventId, long charge) {
        send(Topics.USAGE_EVENTS, "+8562055500001", UsageRecorded.newBuilder().setEventId(eventId).setCarrierId(Feed.CARRIER)
                .setMsisdn("+8562055500001").setUsageType(UsageType.DATA).setUnits(1).setUnit("MB")
                .setCharge(Events.money(charge, "LAK")).setOccurredAt(now).build());
    }

    private void ledger(long version, long previous, long delta, BalanceChangeReason reason, String causation) {
        send(Topics.BALANCE_CHANGES, "sub-1", BalanceChanged.newBuilder().setEventId("ledger-" + version).setSubscriberId("sub-1")
                .setPreviousBalance(Events.money(previous, "LAK")).setNewBalance(Events.money(previous + delta, "LAK"))
                .setDelta(Events.money(delta, "LAK")).setReason(reason).setCausationId(causation).setVersion(version)
                .setOccurredAt(now).build());
    }

    private void charge(String requestId, long amount) {
        charges.add(new SandboxGateway.Charge("ch-" + requestId, "topup-" + requestId + "-pm-1", "tok", amount, "LAK", "succeeded",
                null, now, java.util.Map.of()));
    }

    private TopUpCompleted completed(String requestId) {
        return TopUpCompleted.newBuilder().setRequestId(requestId).setSubscriberId("sub-1").setAmount(Events.money(50_000, "LAK"))
                .setPaymentMethodId("pm-1").setPaymentReference("ch-" + requestId).setCompletedAt(now).setPaymentMethodLast4("4242")
                .build();
    }

    @SuppressWarnings("unchecked")
    private <V> void send(Topic<String, ? super V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key,
                ((org.apache.kafka.common.serialization.Serializer<Object>) (Object) topic.valueSerde().serializer())
                        .serialize(topic.name(), value)));
    }
}
