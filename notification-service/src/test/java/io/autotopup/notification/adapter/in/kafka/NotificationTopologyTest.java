package io.autotopup.notification.adapter.in.kafka;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.events.AutoTopUpDisabled;
import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.Language;
import io.autotopup.events.LowBalanceWarning;
import io.autotopup.events.SkipReason;
import io.autotopup.events.SmsMessageType;
import io.autotopup.events.SmsRequested;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpSkipped;
import io.autotopup.events.VerificationCodeIssued;
import io.autotopup.events.TopUpFailureReason;
import io.autotopup.schemas.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import io.autotopup.platform.testing.TopologyDrivers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationTopologyTest {

    private static final String ALICE = "sub-alice";
    private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");

    @TempDir
    Path stateDir;

    /** 10:00 in Vientiane unless a test says otherwise: outside the quiet hours. */
    private Instant wallClock = T0;

    private TopologyTestDriver driver;
    private TestInputTopic<String, SpecificRecord> subscribers;
    private TestInputTopic<String, BalanceChanged> balances;
    private TestInputTopic<String, SpecificRecord> outcomes;
    private TestInputTopic<String, SpecificRecord> notices;
    private TestOutputTopic<String, SpecificRecord> notifications;

    @BeforeEach
    void startDriver() {
        driver = TopologyDrivers.drive(NotificationTopology.build(new StreamsBuilder()), "notification-test", stateDir,
                wallClock);
        subscribers = driver.createInputTopic(Topics.SUBSCRIBERS.name(), Serdes.String().serializer(),
                Topics.SUBSCRIBERS.valueSerde().serializer());
        balances = driver.createInputTopic(Topics.BALANCE_CHANGES.name(), Serdes.String().serializer(),
                Topics.BALANCE_CHANGES.valueSerde().serializer());
        outcomes = driver.createInputTopic(Topics.TOP_UP_OUTCOMES.name(), Serdes.String().serializer(),
                Topics.TOP_UP_OUTCOMES.valueSerde().serializer());
        notices = driver.createInputTopic(Topics.AUTO_TOP_UP_NOTICES.name(), Serdes.String().serializer(),
                Topics.AUTO_TOP_UP_NOTICES.valueSerde().serializer());
        notifications = driver.createOutputTopic(Topics.NOTIFICATIONS.name(), Serdes.String().deserializer(),
                Topics.NOTIFICATIONS.valueSerde().deserializer());
        subscribers.pipeInput(ALICE, SubscriberRegistered.newBuilder().setSubscriberId(ALICE).setMsisdn("+8562055512345")
                .setCurrency("LAK").setLanguage(Language.LO).setStatus(SubscriberStatus.ACTIVE).setRegisteredAt(T0).build(), T0);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void a_credited_top_up_is_texted_once_in_the_subscribers_language() {
        BalanceChanged credit = change("bc-2", BalanceChangeReason.TOP_UP, 50_000, 48_000);

        balances.pipeInput(ALICE, credit, T0);
        balances.pipeInput(ALICE, credit, T0.plusSeconds(1));

        List<SpecificRecord> out = notifications.readValuesToList();
        assertThat(out).hasSize(1);
        SmsRequested sms = (SmsRequested) out.get(0);
        assertThat(sms.getMsisdn()).isEqualTo("+8562055512345");
        assertThat(sms.getLanguage()).isEqualTo(Language.LO);
        assertThat(sms.getMessageType()).isEqualTo(SmsMessageType.TOP_UP_SUCCEEDED);
        assertThat(sms.getText()).startsWith("ເຕີມເງິນອັດຕະໂນມັດ").contains("50,000 ₭").contains("48,000 ₭");
    }

    @Test
    void the_success_text_names_the_card_the_top_up_came_from() {
        outcomes.pipeInput(ALICE, TopUpCompleted.newBuilder().setRequestId("req-9").setSubscriberId(ALICE)
                .setAmount(money(50_000, "LAK")).setPaymentMethodId("pm-1").setPaymentMethodLast4("4444")
                .setPaymentReference("ch_9").setCompletedAt(T0).build(), T0);
        BalanceChanged credit = BalanceChanged.newBuilder().setEventId("bc-9").setSubscriberId(ALICE)
                .setPreviousBalance(money(0, "LAK")).setNewBalance(money(50_000, "LAK")).setDelta(money(50_000, "LAK"))
                .setReason(BalanceChangeReason.TOP_UP).setCausationId("req-9").setVersion(9).setOccurredAt(T0).build();

        balances.pipeInput(ALICE, credit, T0);

        assertThat(((SmsRequested) notifications.readValue()).getText()).contains("4444").contains("50,000 ₭");
    }

    @Test
    void a_low_balance_warning_at_night_waits_until_seven_and_a_code_does_not() {
        driver.close();
        wallClock = Instant.parse("2026-11-24T16:00:00Z"); // 23:00 in Vientiane
        stateDir = stateDir.resolve("night");
        startDriver();
        TestInputTopic<String, SpecificRecord> verifications = driver.createInputTopic(Topics.SUBSCRIBER_VERIFICATIONS.name(),
                Serdes.String().serializer(), Topics.SUBSCRIBER_VERIFICATIONS.valueSerde().serializer());

        notices.pipeInput(ALICE, LowBalanceWarning.newBuilder().setSubscriberId(ALICE).setBalance(money(9_000, "LAK"))
                .setThreshold(money(10_000, "LAK")).setTriggeringEventId("bc-night").setWarnedAt(wallClock).build(), wallClock);
        verifications.pipeInput(ALICE, VerificationCodeIssued.newBuilder().setSubscriberId(ALICE).setMsisdn("+8562055512345")
                .setLanguage(Language.LO).setSealedCode("c2VhbGVk").setCodeHash("h").setIssuedAt(wallClock)
                .setExpiresAt(wallClock.plusSeconds(300)).build(), wallClock);

        assertThat(notifications.readValuesToList()).extracting(sms -> ((SmsRequested) sms).getMessageType())
                .as("the code goes at once").containsExactly(SmsMessageType.ONE_TIME_CODE);
        driver.advanceWallClockTime(java.time.Duration.ofHours(8).minusMinutes(2)); // 06:58 in Vientiane
        assertThat(notifications.isEmpty()).isTrue();
        driver.advanceWallClockTime(java.time.Duration.ofMinutes(3)); // 07:01 in Vientiane
        assertThat(notifications.readValuesToList()).extracting(sms -> ((SmsRequested) sms).getMessageType())
                .containsExactly(SmsMessageType.LOW_BALANCE);
    }

    @Test
    void usage_is_not_texted() {
        balances.pipeInput(ALICE, change("bc-1", BalanceChangeReason.USAGE, -2_000, -2_000), T0);

        assertThat(notifications.isEmpty()).isTrue();
    }

    @Test
    void a_final_failure_is_texted_with_the_reason_and_a_retryable_one_is_not() {
        outcomes.pipeInput(ALICE, failed("req-1", false), T0);
        outcomes.pipeInput(ALICE, failed("req-2", true), T0);
        outcomes.pipeInput(ALICE, failed("req-2", true), T0);

        List<SpecificRecord> out = notifications.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(((SmsRequested) out.get(0)).getText()).contains("ບັດຂອງທ່ານຖືກປະຕິເສດ");
    }

    @Test
    void what_the_rule_engine_tells_is_texted_once_each() {
        notices.pipeInput(ALICE, TopUpSkipped.newBuilder().setSubscriberId(ALICE).setReason(SkipReason.DAILY_CAP)
                .setBalance(money(4_000, "LAK")).setTriggeringEventId("bc-7").setSkippedAt(T0).build(), T0);
        notices.pipeInput(ALICE, TopUpSkipped.newBuilder().setSubscriberId(ALICE).setReason(SkipReason.DAILY_CAP)
                .setBalance(money(4_000, "LAK")).setTriggeringEventId("bc-7").setSkippedAt(T0).build(), T0);
        notices.pipeInput(ALICE, AutoTopUpDisabled.newBuilder().setSubscriberId(ALICE).setConsecutiveFailures(3)
                .setLastFailureReason("INSUFFICIENT_FUNDS").setDisabledAt(T0).build(), T0);
        notices.pipeInput(ALICE, LowBalanceWarning.newBuilder().setSubscriberId(ALICE).setBalance(money(9_000, "LAK"))
                .setThreshold(money(10_000, "LAK")).setTriggeringEventId("bc-8").setWarnedAt(T0).build(), T0);

        List<SmsRequested> out = notifications.readValuesToList().stream().map(SmsRequested.class::cast).toList();
        assertThat(out).extracting(SmsRequested::getMessageType).containsExactly(SmsMessageType.LIMIT_REACHED,
                SmsMessageType.AUTO_TOP_UP_DISABLED, SmsMessageType.LOW_BALANCE);
        assertThat(out.get(0).getText()).contains("4,000 ₭");
        assertThat(out.get(1).getText()).contains("3").contains("ເງິນໃນບັດບໍ່ພຽງພໍ");
        assertThat(out.get(2).getText()).startsWith("ຍອດເງິນຂອງທ່ານເຫຼືອໜ້ອຍ").contains("9,000 ₭");
    }

    @Test
    void an_identity_review_is_texted_once_in_the_subscribers_language_and_a_rejection_says_what_to_send_instead() {
        TestInputTopic<String, SpecificRecord> documents = driver.createInputTopic(Topics.IDENTITY_DOCUMENTS.name(),
                Serdes.String().serializer(), Topics.IDENTITY_DOCUMENTS.valueSerde().serializer());
        io.autotopup.events.IdentityDocumentReviewed rejected = io.autotopup.events.IdentityDocumentReviewed.newBuilder()
                .setDocumentId("doc-1").setSubscriberId(ALICE).setDecision(io.autotopup.events.ReviewDecision.REJECTED)
                .setRejectionReason(io.autotopup.events.RejectionReason.EXPIRED).setReviewer("op").setReviewedAt(T0).build();

        documents.pipeInput(ALICE, rejected, T0);
        documents.pipeInput(ALICE, rejected, T0.plusSeconds(1));
        documents.pipeInput(ALICE, io.autotopup.events.IdentityDocumentReviewed.newBuilder(rejected).setDocumentId("doc-2")
                .setDecision(io.autotopup.events.ReviewDecision.APPROVED).setRejectionReason(null).build(), T0.plusSeconds(2));

        List<SmsRequested> out = notifications.readValuesToList().stream().map(SmsRequested.class::cast).toList();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).getText()).contains("ເອກະສານໝົດອາຍຸແລ້ວ").contains("ເອກະສານທີ່ຍັງບໍ່ໝົດອາຍຸ");
        assertThat(out.get(1).getText()).contains("ໄດ້ຮັບການອະນຸມັດແລ້ວ");
    }

    @Test
    void a_one_time_code_is_texted_sealed_with_a_placeholder_and_never_in_clear() {
        TestInputTopic<String, SpecificRecord> verifications = driver.createInputTopic(Topics.SUBSCRIBER_VERIFICATIONS.name(),
                Serdes.String().serializer(), Topics.SUBSCRIBER_VERIFICATIONS.valueSerde().serializer());
        VerificationCodeIssued issued = VerificationCodeIssued.newBuilder().setSubscriberId("sub-new").setMsisdn("+8562055500001")
                .setLanguage(Language.TH).setSealedCode("c2VhbGVk").setCodeHash("abc").setIssuedAt(T0)
                .setExpiresAt(T0.plusSeconds(300)).build();

        verifications.pipeInput("sub-new", issued, T0);
        verifications.pipeInput("sub-new", issued, T0);

        List<SpecificRecord> out = notifications.readValuesToList();
        assertThat(out).hasSize(1);
        SmsRequested sms = (SmsRequested) out.get(0);
        assertThat(sms.getMessageType()).isEqualTo(SmsMessageType.ONE_TIME_CODE);
        assertThat(sms.getMsisdn()).isEqualTo("+8562055500001");
        assertThat(sms.getSealedCode()).isEqualTo("c2VhbGVk");
        assertThat(sms.getText()).startsWith("รหัส AutoTopUp").contains("{code}").contains("5");
    }

    private static BalanceChanged change(String id, BalanceChangeReason reason, long delta, long after) {
        return BalanceChanged.newBuilder().setEventId(id).setSubscriberId(ALICE)
                .setPreviousBalance(money(after - delta, "LAK")).setNewBalance(money(after, "LAK"))
                .setDelta(money(delta, "LAK")).setReason(reason).setCausationId("c-" + id).setVersion(2)
                .setOccurredAt(T0).build();
    }

    private static TopUpFailed failed(String requestId, boolean isFinal) {
        return TopUpFailed.newBuilder().setRequestId(requestId).setSubscriberId(ALICE).setAmount(money(50_000, "LAK"))
                .setReason(TopUpFailureReason.CARD_DECLINED).setIsFinal(isFinal).setFailedAt(T0).build();
    }
}
