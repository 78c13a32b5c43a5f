package io.autotopup.rules.adapter.in.kafka;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.events.AutoTopUpRuleSet;
import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpFailureReason;
import io.autotopup.events.TopUpRequested;
import io.autotopup.schemas.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleTopologyTest {

    private static final String ALICE = "sub-alice";
    private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, AutoTopUpRuleSet> rules;
    private TestInputTopic<String, BalanceChanged> balances;
    private TestInputTopic<String, SpecificRecord> outcomes;
    private TestOutputTopic<String, TopUpRequested> requests;
    private long version;
    private long balance;

    @BeforeEach
    void startDriver() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "rule-engine-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(RuleTopology.build(new StreamsBuilder()).build(), config);
        rules = driver.createInputTopic(Topics.AUTO_TOP_UP_RULES.name(), Serdes.String().serializer(),
                Topics.AUTO_TOP_UP_RULES.valueSerde().serializer());
        balances = driver.createInputTopic(Topics.BALANCE_CHANGES.name(), Serdes.String().serializer(),
                Topics.BALANCE_CHANGES.valueSerde().serializer());
        outcomes = driver.createInputTopic(Topics.TOP_UP_OUTCOMES.name(), Serdes.String().serializer(),
                Topics.TOP_UP_OUTCOMES.valueSerde().serializer());
        requests = driver.createOutputTopic(Topics.TOP_UP_REQUESTS.name(), Serdes.String().deserializer(),
                Topics.TOP_UP_REQUESTS.valueSerde().deserializer());
        balance = 30_000;
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void a_balance_below_the_threshold_asks_for_one_top_up_of_the_fixed_amount() {
        setRule(null);

        BalanceChanged above = usage(15_000);
        BalanceChanged below = usage(8_000);

        List<TopUpRequested> out = requests.readValuesToList();
        assertThat(out).hasSize(1);
        TopUpRequested request = out.get(0);
        assertThat(request.getSubscriberId()).isEqualTo(ALICE);
        assertThat(request.getAmount()).isEqualTo(money(50_000, "LAK"));
        assertThat(request.getTriggeringEventId()).isEqualTo(below.getEventId()).isNotEqualTo(above.getEventId());
        assertThat(request.getPaymentMethodId()).isNull();
    }

    @Test
    void no_second_top_up_while_one_is_in_flight_and_a_new_one_after_its_credit_if_still_below() {
        setRule("pm-1");
        usage(25_000);
        TopUpRequested first = requests.readValue();

        usage(1_000);
        usage(1_000);
        assertThat(requests.isEmpty()).as("still in flight").isTrue();

        credit(first.getRequestId(), 50_000);
        assertThat(requests.isEmpty()).as("credited to 52,000: above the threshold").isTrue();

        usage(45_000);
        TopUpRequested second = requests.readValue();
        assertThat(second.getRequestId()).isNotEqualTo(first.getRequestId());
        assertThat(second.getPaymentMethodId()).isEqualTo("pm-1");
    }

    @Test
    void a_credit_that_leaves_the_balance_below_the_threshold_asks_again() {
        setRule(null);
        usage(130_000);
        TopUpRequested first = requests.readValue();

        credit(first.getRequestId(), 50_000);

        assertThat(requests.readValuesToList()).hasSize(1);
    }

    @Test
    void replayed_balance_changes_ask_for_nothing_new() {
        setRule(null);
        BalanceChanged one = usage(25_000);
        BalanceChanged two = usage(1_000);
        assertThat(requests.readValuesToList()).hasSize(1);

        balances.pipeInput(ALICE, one, T0);
        balances.pipeInput(ALICE, two, T0);

        assertThat(requests.isEmpty()).isTrue();
    }

    @Test
    void the_request_id_is_the_same_for_the_same_triggering_event() {
        setRule(null);
        BalanceChanged below = usage(25_000);
        String id = requests.readValue().getRequestId();

        driver.close();
        stateDir = stateDir.resolve("rebuilt");
        startDriver();
        setRule(null);
        balances.pipeInput(ALICE, below, T0);

        assertThat(requests.readValue().getRequestId()).as("state rebuilt from scratch, same trigger").isEqualTo(id);
    }

    @Test
    void a_final_failure_suspends_the_rule_until_it_is_set_again() {
        setRule(null);
        usage(25_000);
        TopUpRequested request = requests.readValue();

        outcomes.pipeInput(ALICE, TopUpFailed.newBuilder().setRequestId(request.getRequestId()).setSubscriberId(ALICE)
                .setAmount(request.getAmount()).setReason(TopUpFailureReason.CARD_DECLINED).setIsFinal(true)
                .setFailedAt(T0).build(), T0);
        usage(1_000);
        assertThat(requests.isEmpty()).as("suspended: a declined card is not charged on every usage").isTrue();

        setRule(null);
        usage(1_000);
        assertThat(requests.readValuesToList()).hasSize(1);
    }

    @Test
    void a_deleted_rule_asks_for_nothing() {
        setRule(null);
        rules.pipeInput(ALICE, null, T0);

        usage(29_000);

        assertThat(requests.isEmpty()).isTrue();
    }

    private void setRule(String paymentMethodId) {
        rules.pipeInput(ALICE, AutoTopUpRuleSet.newBuilder().setSubscriberId(ALICE)
                .setThreshold(money(10_000, "LAK")).setTopUpAmount(money(50_000, "LAK"))
                .setPaymentMethodId(paymentMethodId).setSetAt(T0).build(), T0);
    }

    private BalanceChanged usage(long charge) {
        return change(-charge, BalanceChangeReason.USAGE, "unitel:e-" + (version + 1));
    }

    private BalanceChanged credit(String requestId, long amount) {
        return change(amount, BalanceChangeReason.TOP_UP, requestId);
    }

    private BalanceChanged change(long delta, BalanceChangeReason reason, String causation) {
        version++;
        BalanceChanged change = BalanceChanged.newBuilder().setEventId("bc-" + version).setSubscriberId(ALICE)
                .setPreviousBalance(money(balance, "LAK")).setNewBalance(money(balance + delta, "LAK"))
                .setDelta(money(delta, "LAK")).setReason(reason).setCausationId(causation).setVersion(version)
                .setOccurredAt(T0).build();
        balance += delta;
        balances.pipeInput(ALICE, change, T0);
        return change;
    }
}
