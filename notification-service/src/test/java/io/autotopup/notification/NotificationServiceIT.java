package io.autotopup.notification;

import io.autotopup.schemas.EventHeaders;
import org.apache.kafka.common.header.internals.RecordHeader;
import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.Language;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.platform.testing.SingleBrokerKafka;
import io.autotopup.platform.testing.TestIssuer;
import io.autotopup.sandbox.smsc.SmsCentreSimulator;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** notification-service on a real broker and SMS centre: a text waits while the SMS centre is down, and goes out after. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        args = "--spring.config.name=" + NotificationServiceApplication.CONFIG_NAME,
        properties = {"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "spring.kafka.streams.state-dir=${java.io.tmpdir}/autotopup-it/${random.uuid}",
                "autotopup.verification.key=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
@SingleBrokerKafka
class NotificationServiceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int SMPP_PORT = freePort();
    private static SmsCentreSimulator smsc = start();

    @Autowired
    EmbeddedKafkaBroker broker;
    @org.springframework.beans.factory.annotation.Value("${local.server.port}")
    int port;

    private static final TestIssuer ISSUER = TestIssuer.start();

    @DynamicPropertySource
    static void smsCentre(DynamicPropertyRegistry registry) {
        registry.add("autotopup.smpp.port", () -> SMPP_PORT);
        ISSUER.trustedBy(0).forEach((name, value) -> registry.add(name, () -> value));
    }

    @AfterAll
    static void stopSmsCentre() {
        smsc.close();
        ISSUER.close();
    }

    @Test
    void a_text_made_while_the_sms_centre_is_down_goes_out_once_it_is_back() throws Exception {
        publish(Topics.SUBSCRIBERS, "sub-1", SubscriberRegistered.newBuilder().setSubscriberId("sub-1")
                .setMsisdn("+8562055500077").setCurrency("LAK").setLanguage(Language.EN).setStatus(SubscriberStatus.ACTIVE)
                .setRegisteredAt(Instant.now()).build());
        smsc.close();

        publish(Topics.BALANCE_CHANGES, "sub-1", BalanceChanged.newBuilder().setEventId("bc-1").setSubscriberId("sub-1")
                .setPreviousBalance(money(0, "LAK")).setNewBalance(money(50_000, "LAK")).setDelta(money(50_000, "LAK"))
                .setReason(BalanceChangeReason.TOP_UP).setCausationId("req-1").setVersion(1).setOccurredAt(Instant.now()).build());
        await("the text is decided while the SMS centre is down").atMost(PATIENCE)
                .until(() -> count(Topics.NOTIFICATIONS.name()) >= 1);
        await("the text is neither sent nor dead-lettered while the SMS centre is down")
                .during(Duration.ofSeconds(3)).atMost(PATIENCE)
                .until(() -> count(Topics.NOTIFICATIONS.deadLetterTopic()) == 0);
        smsc = start();

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(smsc.inbox("+8562055500077")).singleElement()
                .satisfies(sms -> assertThat(sms.text()).contains("50,000 ₭")));
        await("the delivery receipt is recorded").atMost(PATIENCE).until(() -> deliveryReports().stream()
                .anyMatch(report -> "sub-1".equals(report.getSubscriberId())
                        && report.getStatus() == io.autotopup.events.SmsDeliveryStatus.DELIVERED && report.getSmsId() != null));
        await("the subscriber's notifications show it delivered").atMost(PATIENCE).untilAsserted(() ->
                assertThat(new io.autotopup.platform.testing.LocalHttp(port).as(ISSUER.subscriberToken("sub-1"))
                        .get("/v1/subscribers/sub-1/notifications").body())
                        .contains("\"messageType\":\"TOP_UP_SUCCEEDED\"").contains("\"status\":\"DELIVERED\"")
                        .contains("50,000 ₭"));
    }

    @Test
    void texts_keep_flowing_through_an_sms_centre_that_drops_and_returns_none_lost_none_twice_and_throttling_honoured()
            throws Exception {
        publish(Topics.SUBSCRIBERS, "sub-2", SubscriberRegistered.newBuilder().setSubscriberId("sub-2")
                .setMsisdn("+8562055500088").setCurrency("USD").setLanguage(Language.EN).setStatus(SubscriberStatus.ACTIVE)
                .setRegisteredAt(Instant.now()).build());
        smsc.throttleNext(2);
        BalanceChanged first = credit("sub-2", "bc-2-1", 1, 500, 500);
        publish(Topics.BALANCE_CHANGES, "sub-2", first);
        publish(Topics.BALANCE_CHANGES, "sub-2", first);
        await().atMost(PATIENCE).until(() -> smsc.inbox("+8562055500088").size() == 1);

        smsc.close();
        for (int n = 2; n <= 5; n++) {
            publish(Topics.BALANCE_CHANGES, "sub-2", credit("sub-2", "bc-2-" + n, n, 500, 500L * n));
        }
        await("the texts are decided while the SMS centre is gone").atMost(PATIENCE)
                .until(() -> records(io.autotopup.events.SmsRequested.class).stream()
                        .filter(sms -> sms.getSubscriberId().equals("sub-2")).count() == 5);
        smsc = start();

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(smsc.inbox("+8562055500088"))
                .extracting(SmsCentreSimulator.ReceivedSms::text)
                .containsExactlyInAnyOrder("Auto top-up: $5.00 added. New balance: $10.00.",
                        "Auto top-up: $5.00 added. New balance: $15.00.", "Auto top-up: $5.00 added. New balance: $20.00.",
                        "Auto top-up: $5.00 added. New balance: $25.00."));
    }

    @Test
    void a_top_up_caused_by_a_replay_is_decided_but_not_texted_and_the_texts_after_it_go_out() throws Exception {
        publish(Topics.SUBSCRIBERS, "sub-3", SubscriberRegistered.newBuilder().setSubscriberId("sub-3")
                .setMsisdn("+8562055500099").setCurrency("USD").setLanguage(Language.EN).setStatus(SubscriberStatus.ACTIVE)
                .setRegisteredAt(Instant.now()).build());

        publish(Topics.BALANCE_CHANGES, "sub-3", credit("sub-3", "bc-3-1", 1, 500, 500),
                new RecordHeader(EventHeaders.REPLAYED_FROM, "usage-events/0/5".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        publish(Topics.BALANCE_CHANGES, "sub-3", credit("sub-3", "bc-3-2", 2, 500, 1000));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(smsc.inbox("+8562055500099"))
                .extracting(SmsCentreSimulator.ReceivedSms::text).containsExactly("Auto top-up: $5.00 added. New balance: $10.00."));
        java.util.List<io.autotopup.events.SmsRequested> decided = records(io.autotopup.events.SmsRequested.class).stream()
                .filter(sms -> sms.getSubscriberId().equals("sub-3")).toList();
        assertThat(decided).as("the replay's text is recorded as decided").hasSize(2);
        // texts go out in order: once the real text's SmsSent is there, the replayed one was handled before it
        await("the real text is recorded as sent").atMost(PATIENCE).until(() -> records(io.autotopup.events.SmsSent.class)
                .stream().anyMatch(sent -> sent.getSmsId().equals(decided.get(1).getSmsId())));
        assertThat(records(io.autotopup.events.SmsSent.class)).as("but only the real one was sent")
                .filteredOn(sent -> sent.getSubscriberId().equals("sub-3")).singleElement()
                .satisfies(sent -> assertThat(sent.getSmsId()).isEqualTo(decided.get(1).getSmsId()));
    }

    private static BalanceChanged credit(String subscriberId, String eventId, long version, long amount, long after) {
        return BalanceChanged.newBuilder().setEventId(eventId).setSubscriberId(subscriberId)
                .setPreviousBalance(money(after - amount, "USD")).setNewBalance(money(after, "USD")).setDelta(money(amount, "USD"))
                .setReason(BalanceChangeReason.TOP_UP).setCausationId("req-" + eventId).setVersion(version)
                .setOccurredAt(Instant.now()).build();
    }

    private java.util.List<io.autotopup.events.SmsDeliveryReported> deliveryReports() {
        return records(io.autotopup.events.SmsDeliveryReported.class);
    }

    /** Every committed record of the type on notifications, once the transactions written to it so far have ended. */
    private <T> java.util.List<T> records(Class<T> type) {
        return CommittedRecords.of(broker.getBrokersAsString(), Topics.NOTIFICATIONS.name(), Topics.NOTIFICATIONS.keySerde().deserializer(),
                        Topics.NOTIFICATIONS.valueSerde().deserializer()).stream()
                .map(org.apache.kafka.clients.consumer.ConsumerRecord::value).filter(type::isInstance).map(type::cast).toList();
    }

    private int count(String topic) {
        java.util.Map<String, Object> props = KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "it-count-" + System.nanoTime(), false);
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> reader = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                props, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            java.util.List<org.apache.kafka.common.TopicPartition> partitions = reader.partitionsFor(topic).stream()
                    .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition())).toList();
            return reader.endOffsets(partitions).values().stream().mapToInt(Long::intValue).sum();
        }
    }

    private <V> void publish(Topic<String, V> topic, String key, V value, org.apache.kafka.common.header.Header... headers)
            throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(KafkaTestUtils.producerProps(broker.getBrokersAsString()),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), null, key, value, java.util.List.of(headers))).get();
        }
    }

    private static SmsCentreSimulator start() {
        try {
            return SmsCentreSimulator.start(SMPP_PORT, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
