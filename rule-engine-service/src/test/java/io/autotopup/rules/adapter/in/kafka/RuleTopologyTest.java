package io.autotopup.rules.adapter.in.kafka;

import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import java.nio.charset.StandardCharsets;
import io.autotopup.schemas.EventHeaders;
import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.events.AutoTopUpDisabled;
import io.autotopup.events.AutoTopUpRuleSet;
import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.LowBalanceWarning;
import io.autotopup.events.PaymentMethod;
import io.autotopup.events.PaymentMethodType;
import io.autotopup.events.PaymentMethodsChanged;
import io.autotopup.events.SkipReason;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpFailureReason;
import io.autotopup.events.TopUpMode;
import io.autotopup.events.TopUpAsked;
import io.autotopup.events.TopUpReason;
import io.autotopup.events.TopUpRequested;
import io.autotopup.rules.domain.TopUpRecord;
import io.autotopup.events.TopUpSkipped;
import io.autotopup.rules.domain.RulePolicy;
import io.autotopup.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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

/**
 * The rule engine's behaviour, event in, events out. Each test gives a subscriber's events with their
 * timestamps and reads everything the topology emitted, asserting nothing else came out.
 */
class RuleTopologyTest {

    static final RulePolicy POLICY = new RulePolicy(Map.of("LAK", 5_000_000L), Map.of("LAK", 10_000L));
    private static final String ALICE = "sub-alice";
    /** 10:00 in Vientiane (UTC+7). */
    private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, AutoTopUpRuleSet> rules;
    private TestInputTopic<String, BalanceChanged> balances;
    private TestInputTopic<String, SpecificRecord> outcomes;
    private TestInputTopic<String, PaymentMethodsChanged> methods;
    private TestInputTopic<String, TopUpAsked> asks;
    private TestOutputTopic<String, TopUpRequested> requests;
    private TestOutputTopic<String, SpecificRecord> notices;
    /** The replay the next balance changes come from ({@code replayed-from}), or null. */
    private String replaying;
    private long version;
    private long balance;

    @BeforeEach
    void startDriver() {
        driver = TopologyDrivers.drive(RuleTopology.build(new StreamsBuilder(), POLICY), "rule-engine-test", stateDir);
        rules = driver.createInputTopic(Topics.AUTO_TOP_UP_RULES.name(), Serdes.String().serializer(),
                Topics.AUTO_TOP_UP_RULES.valueSerde().serializer());
        balances = driver.createInputTopic(Topics.BALANCE_CHANGES.name(), Serdes.String().serializer(),
                Topics.BALANCE_CHANGES.valueSerde().serializer());
        outcomes = driver.createInputTopic(Topics.TOP_UP_OUTCOMES.name(), Serdes.String().serializer(),
                Topics.TOP_UP_OUTCOMES.valueSerde().serializer());
        methods = driver.createInputTopic(Topics.PAYMENT_METHODS.name(), Serdes.String().serializer(),
                Topics.PAYMENT_METHODS.valueSerde().serializer());
        asks = driver.createInputTopic(Topics.TOP_UP_ASKS.name(), Serdes.String().serializer(),
                Topics.TOP_UP_ASKS.valueSerde().serializer());
        requests = driver.createOutputTopic(Topics.TOP_UP_REQUESTS.name(), Serdes.String().deserializer(),
                Topics.TOP_UP_REQUESTS.valueSerde().deserializer());
        notices = driver.createOutputTopic(Topics.AUTO_TOP_UP_NOTICES.name(), Serdes.String().deserializer(),
                Topics.AUTO_TOP_UP_NOTICES.valueSerde().deserializer());
        balance = 30_000;
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void a_balance_below_the_threshold_asks_for_one_top_up_of_the_fixed_amount() {
        setRule(fixed());

        usage(15_000, T0);
        BalanceChanged below = usage(8_000, T0);

        TopUpRequested request = oneRequest();
        assertThat(request.getSubscriberId()).isEqualTo(ALICE);
        assertThat(request.getAmount()).isEqualTo(money(50_000, "LAK"));
        assertThat(request.getTriggeringEventId()).isEqualTo(below.getEventId());
        assertNoNotices();
    }

    @Test
    void a_top_up_asked_for_because_of_a_replayed_usage_event_stays_marked_as_a_replay() {
        setRule(fixed());
        usage(15_000, T0);
        replaying = "usage-events/1/17";

        usage(8_000, T0);

        TestRecord<String, TopUpRequested> request = requests.readRecord();
        assertThat(EventHeaders.text(request.headers(), EventHeaders.REPLAYED_FROM))
                .as("payment-service sees the replay and makes it a dry run").isEqualTo("usage-events/1/17");
        assertThat(requests.isEmpty()).isTrue();
    }

    @Test
    void a_usage_between_the_payment_and_its_credit_never_causes_a_second_top_up() {
        setRule(fixed());
        usage(25_000, T0);
        TopUpRequested first = oneRequest();

        outcomes.pipeInput(ALICE, completed(first), T0.plusSeconds(1));
        usage(1_000, T0.plusSeconds(2));
        assertNoRequests();

        credit(first, T0.plusSeconds(3));
        assertNoRequests();
        usage(45_000, T0.plusSeconds(4));
        assertThat(oneRequest().getRequestId()).isNotEqualTo(first.getRequestId());
    }

    @Test
    void a_fixed_credit_that_leaves_the_balance_below_the_threshold_asks_again() {
        setRule(fixed());
        usage(130_000, T0);
        TopUpRequested first = oneRequest();

        credit(first, T0.plusSeconds(5));

        assertThat(oneRequest().getAmount()).isEqualTo(money(50_000, "LAK"));
    }

    @Test
    void a_target_rule_tops_up_to_the_target_in_one_charge() {
        setRule(rule -> rule.setMode(TopUpMode.TARGET).setTargetBalance(money(100_000, "LAK")).setTopUpAmount(money(0, "LAK")));

        usage(95_000, T0);

        assertThat(oneRequest().getAmount()).as("from -65,000 to 100,000").isEqualTo(money(165_000, "LAK"));
    }

    @Test
    void replayed_balance_changes_ask_for_nothing_new_and_a_rebuilt_engine_asks_with_the_same_id() {
        setRule(fixed());
        BalanceChanged one = usage(25_000, T0);
        String id = oneRequest().getRequestId();

        balances.pipeInput(ALICE, one, T0);
        assertNoRequests();

        driver.close();
        stateDir = stateDir.resolve("rebuilt");
        startDriver();
        setRule(fixed());
        balances.pipeInput(ALICE, one, T0);
        assertThat(oneRequest().getRequestId()).isEqualTo(id);
    }

    @Test
    void the_daily_cap_skips_once_and_re_arms_after_midnight_in_vientiane() {
        setRule(rule -> rule.setMaxTopUpsPerDay(1));
        Instant lateEvening = Instant.parse("2026-11-24T16:00:00Z"); // 23:00 in Vientiane
        usage(25_000, lateEvening);
        credit(oneRequest(), lateEvening.plusSeconds(60));

        usage(50_000, lateEvening.plus(Duration.ofMinutes(10)));
        TopUpSkipped skipped = (TopUpSkipped) oneNotice();
        assertThat(skipped.getReason()).isEqualTo(SkipReason.DAILY_CAP);
        usage(1_000, lateEvening.plus(Duration.ofMinutes(20)));
        assertNoNotices();
        assertNoRequests();

        usage(1_000, Instant.parse("2026-11-24T17:00:01Z")); // 00:00:01 the next day in Vientiane
        assertThat(oneRequest().getAmount()).isEqualTo(money(50_000, "LAK"));
    }

    @Test
    void the_monthly_amount_is_never_exceeded() {
        setRule(rule -> rule.setMaxAmountPerMonth(money(80_000, "LAK")).setMaxTopUpsPerDay(10));
        usage(25_000, T0);
        credit(oneRequest(), T0.plusSeconds(1));

        usage(50_000, T0.plusSeconds(2));

        assertNoRequests();
        assertThat(((TopUpSkipped) oneNotice()).getReason()).isEqualTo(SkipReason.MONTHLY_CAP);
        usage(1_000, Instant.parse("2026-11-30T17:00:00Z")); // 1 December in Vientiane
        assertThat(oneRequest().getAmount()).isEqualTo(money(50_000, "LAK"));
    }

    @Test
    void a_final_failure_suspends_for_an_hour_then_two_and_the_third_disables_until_a_new_card_is_bound() {
        setRule(fixed());
        usage(25_000, T0);
        fail(oneRequest(), T0);

        usage(1_000, T0.plus(Duration.ofMinutes(30)));
        assertNoRequests();
        assertThat(oneNotice()).as("suspended: the subscriber is warned instead").isInstanceOf(LowBalanceWarning.class);

        usage(1_000, T0.plus(Duration.ofMinutes(61)));
        Instant second = T0.plus(Duration.ofMinutes(61));
        fail(oneRequest(), second);
        usage(1_000, second.plus(Duration.ofMinutes(119)));
        assertNoRequests();
        usage(1_000, second.plus(Duration.ofMinutes(121)));
        fail(oneRequest(), second.plus(Duration.ofMinutes(121)));

        AutoTopUpDisabled disabled = (AutoTopUpDisabled) oneNotice();
        assertThat(disabled.getConsecutiveFailures()).isEqualTo(3);
        assertThat(disabled.getLastFailureReason()).isEqualTo("CARD_DECLINED");
        usage(1_000, T0.plus(Duration.ofDays(3)));
        assertNoRequests();

        bindMethods("pm-1", "pm-2");
        usage(1_000, T0.plus(Duration.ofDays(3)).plusSeconds(1));
        assertThat(oneRequest()).isNotNull();
    }

    @Test
    void editing_the_rule_while_a_top_up_is_pending_waits_for_it_and_then_applies() {
        setRule(fixed());
        usage(25_000, T0);
        TopUpRequested first = oneRequest();

        setRule(rule -> rule.setThreshold(money(100_000, "LAK")).setTopUpAmount(money(20_000, "LAK")));
        usage(1_000, T0.plusSeconds(1));
        assertNoRequests();

        credit(first, T0.plusSeconds(2));
        assertThat(oneRequest().getAmount()).as("54,000 is below the new threshold").isEqualTo(money(20_000, "LAK"));
    }

    @Test
    void deleting_the_rule_while_a_top_up_is_pending_lets_it_finish_and_asks_for_nothing_more() {
        setRule(fixed());
        usage(25_000, T0);
        TopUpRequested first = oneRequest();

        rules.pipeInput(ALICE, null, T0.plusSeconds(1));
        credit(first, T0.plusSeconds(2));
        usage(50_000, T0.plusSeconds(3));

        assertNoRequests();
        assertThat(oneNotice()).as("no rule: a low-balance warning at the default line").isInstanceOf(LowBalanceWarning.class);
    }

    @Test
    void a_paused_rule_warns_once_per_crossing() {
        setRule(rule -> rule.setEnabled(false));

        usage(25_000, T0);
        usage(1_000, T0.plusSeconds(1));
        LowBalanceWarning warning = (LowBalanceWarning) oneNotice();
        assertThat(warning.getBalance()).isEqualTo(money(5_000, "LAK"));
        assertThat(warning.getThreshold()).isEqualTo(money(10_000, "LAK"));

        change(20_000, BalanceChangeReason.ADJUSTMENT, "adj-1", T0.plusSeconds(2));
        assertNoNotices();
        usage(20_000, T0.plusSeconds(3));
        assertThat(oneNotice()).isInstanceOf(LowBalanceWarning.class);
        assertNoRequests();
    }

    @Test
    void a_top_up_asked_for_now_is_requested_once_as_manual_and_credited_like_the_rules() {
        setRule(rule -> rule.setEnabled(false));

        ask("ask-00000001", 20_000, T0);
        TopUpRequested request = oneRequest();
        assertThat(request.getReason()).isEqualTo(TopUpReason.MANUAL);
        assertThat(request.getAmount()).isEqualTo(money(20_000, "LAK"));
        assertThat(request.getPaymentMethodId()).isEqualTo("pm-2");

        ask("ask-00000001", 20_000, T0.plusSeconds(1));
        assertNoRequests();
        ask("ask-00000002", 20_000, T0.plusSeconds(1));
        assertNoRequests();
        assertThat(account().history()).as("the second ask, while the first is on its way, is refused and shown")
                .extracting(TopUpRecord::status, TopUpRecord::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("REFUSED", "IN_FLIGHT"), org.assertj.core.groups.Tuple.tuple("PENDING", null));

        credit(request, T0.plusSeconds(2));
        assertThat(account().history().get(1).status()).isEqualTo("CREDITED");
        assertThat(account().history().get(1).manual()).isTrue();
        ask("ask-00000003", 20_000, T0.plusSeconds(3));
        assertThat(oneRequest().getReason()).as("asked for again once the first is credited").isEqualTo(TopUpReason.MANUAL);
    }

    @Test
    void a_manual_top_up_counts_against_the_rules_caps_and_its_failure_does_not_suspend_the_rule() {
        setRule(rule -> rule.setMaxTopUpsPerDay(3).setMaxAmountPerMonth(money(150_000, "LAK")));

        ask("ask-00000001", 60_000, T0);
        fail(oneRequest(), T0.plusSeconds(1));

        usage(25_000, T0.plusSeconds(2));
        TopUpRequested automatic = oneRequest();
        assertThat(automatic.getReason()).as("the manual top-up's failure did not suspend the rule").isEqualTo(TopUpReason.AUTO);
        credit(automatic, T0.plusSeconds(3));

        ask("ask-00000002", 60_000, T0.plusSeconds(4));
        assertNoRequests();
        assertThat(account().history().get(0).outcome()).as("60,000 + 50,000 + 60,000 passes the month's 150,000")
                .isEqualTo("MONTHLY_CAP");
        ask("ask-00000003", 10_000, T0.plusSeconds(5));
        credit(oneRequest(), T0.plusSeconds(6));
        ask("ask-00000004", 10_000, T0.plusSeconds(7));
        assertNoRequests();
        assertThat(account().history().get(0).outcome()).as("three top-ups today: the day's count is used up").isEqualTo("DAILY_CAP");
    }

    private void ask(String askId, long amount, Instant at) {
        asks.pipeInput(ALICE, TopUpAsked.newBuilder().setAskId(askId).setSubscriberId(ALICE).setAmount(money(amount, "LAK"))
                .setPaymentMethodId("pm-2").setAskedAt(at).build(), at);
    }

    private io.autotopup.rules.domain.AutoTopUpAccount account() {
        return driver.<String, io.autotopup.rules.domain.AutoTopUpAccount>getKeyValueStore(RuleTopology.STATE_STORE).get(ALICE);
    }

    private Consumer<AutoTopUpRuleSet.Builder> fixed() {
        return rule -> { };
    }

    private void setRule(Consumer<AutoTopUpRuleSet.Builder> change) {
        AutoTopUpRuleSet.Builder rule = AutoTopUpRuleSet.newBuilder().setSubscriberId(ALICE)
                .setThreshold(money(10_000, "LAK")).setTopUpAmount(money(50_000, "LAK")).setSetAt(T0);
        change.accept(rule);
        rules.pipeInput(ALICE, rule.build(), T0);
    }

    private void bindMethods(String... ids) {
        methods.pipeInput(ALICE, PaymentMethodsChanged.newBuilder().setSubscriberId(ALICE).setChangedAt(T0)
                .setMethods(Arrays.stream(ids).map(id -> PaymentMethod.newBuilder().setPaymentMethodId(id)
                        .setType(PaymentMethodType.CARD).setGatewayToken("tok-" + id).setPriority(1).setIsDefault(false)
                        .build()).toList()).build(), T0);
    }

    private BalanceChanged usage(long charge, Instant at) {
        return change(-charge, BalanceChangeReason.USAGE, "unitel:e-" + (version + 1), at);
    }

    private void credit(TopUpRequested request, Instant at) {
        change(request.getAmount().getMinorUnits(), BalanceChangeReason.TOP_UP, request.getRequestId(), at);
    }

    private void fail(TopUpRequested request, Instant at) {
        outcomes.pipeInput(ALICE, TopUpFailed.newBuilder().setRequestId(request.getRequestId()).setSubscriberId(ALICE)
                .setAmount(request.getAmount()).setReason(TopUpFailureReason.CARD_DECLINED).setIsFinal(true)
                .setFailedAt(at).build(), at);
    }

    private static TopUpCompleted completed(TopUpRequested request) {
        return TopUpCompleted.newBuilder().setRequestId(request.getRequestId()).setSubscriberId(ALICE)
                .setAmount(request.getAmount()).setPaymentMethodId("pm-1").setPaymentReference("ch_1")
                .setCompletedAt(T0).build();
    }

    private BalanceChanged change(long delta, BalanceChangeReason reason, String causation, Instant at) {
        version++;
        BalanceChanged change = BalanceChanged.newBuilder().setEventId("bc-" + version).setSubscriberId(ALICE)
                .setPreviousBalance(money(balance, "LAK")).setNewBalance(money(balance + delta, "LAK"))
                .setDelta(money(delta, "LAK")).setReason(reason).setCausationId(causation).setVersion(version)
                .setOccurredAt(at).build();
        balance += delta;
        RecordHeaders headers = new RecordHeaders();
        if (replaying != null) {
            headers.add(EventHeaders.REPLAYED_FROM, replaying.getBytes(StandardCharsets.UTF_8));
        }
        balances.pipeInput(new TestRecord<>(ALICE, change, headers, at));
        return change;
    }

    private TopUpRequested oneRequest() {
        List<TopUpRequested> out = requests.readValuesToList();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private SpecificRecord oneNotice() {
        List<SpecificRecord> out = notices.readValuesToList();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private void assertNoRequests() {
        assertThat(requests.readValuesToList()).isEmpty();
    }

    private void assertNoNotices() {
        assertThat(notices.readValuesToList()).isEmpty();
    }
}
