package io.autotopup.balance.adapter.in.kafka;

import io.autotopup.events.CodeRequested;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.balance.domain.LedgerPolicy;
import io.autotopup.events.BalanceAdjustmentRequested;
import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.Language;
import io.autotopup.events.Money;
import io.autotopup.events.SubscriberNumberAssigned;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.platform.streams.DeadLetters;
import io.autotopup.schemas.EventHeaders;
import io.autotopup.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import io.autotopup.platform.testing.TopologyDrivers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BalanceTopologyTest {

    private static final String ALICE = "sub-alice";
    private static final String ALICE_MSISDN = "+8562055512345";
    private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");

    static final LedgerPolicy POLICY = new LedgerPolicy(Map.of("LAK", 1_000_000L), Duration.ofDays(7));

    @TempDir
    Path stateDir;

    private final CountingMetrics metrics = new CountingMetrics();

    private TopologyTestDriver driver;
    private TestInputTopic<String, SpecificRecord> subscribers;
    private TestInputTopic<String, UsageRecorded> usage;
    private TestInputTopic<String, SpecificRecord> outcomes;
    private TestOutputTopic<String, BalanceChanged> changes;
    private TestOutputTopic<String, UsageRecorded> usageDeadLetters;
    private TestOutputTopic<String, SubscriberNumberAssigned> numbers;

    @BeforeEach
    void startDriver() {
        startDriver(LedgerProcessor.PURGE_SLICE);
    }

    private void startDriver(int purgeSlice) {
        driver = TopologyDrivers.drive(BalanceTopology.build(new StreamsBuilder(), Duration.ofSeconds(30), POLICY, metrics,
                purgeSlice), "balance-service-test", stateDir);
        subscribers = driver.createInputTopic(Topics.SUBSCRIBERS.name(), Serdes.String().serializer(),
                Topics.SUBSCRIBERS.valueSerde().serializer());
        usage = driver.createInputTopic(Topics.USAGE_EVENTS.name(), Serdes.String().serializer(),
                Topics.USAGE_EVENTS.valueSerde().serializer());
        outcomes = driver.createInputTopic(Topics.TOP_UP_OUTCOMES.name(), Serdes.String().serializer(),
                Topics.TOP_UP_OUTCOMES.valueSerde().serializer());
        changes = driver.createOutputTopic(Topics.BALANCE_CHANGES.name(), Serdes.String().deserializer(),
                Topics.BALANCE_CHANGES.valueSerde().deserializer());
        usageDeadLetters = driver.createOutputTopic(Topics.USAGE_EVENTS.deadLetterTopic(), Serdes.String().deserializer(),
                Topics.USAGE_EVENTS.valueSerde().deserializer());
        numbers = driver.createOutputTopic(Topics.SUBSCRIBER_NUMBERS.name(), Serdes.String().deserializer(),
                Topics.SUBSCRIBER_NUMBERS.valueSerde().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void usage_is_debited_from_the_subscriber_registered_with_its_msisdn() {
        register(ALICE, ALICE_MSISDN, "LAK", null);

        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(3_000, "LAK")), T0);

        List<TestRecord<String, BalanceChanged>> out = changes.readRecordsToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key()).isEqualTo(ALICE);
        BalanceChanged change = out.get(0).value();
        assertThat(change.getPreviousBalance()).isEqualTo(money(0, "LAK"));
        assertThat(change.getNewBalance()).isEqualTo(money(-3_000, "LAK"));
        assertThat(change.getDelta()).isEqualTo(money(-3_000, "LAK"));
        assertThat(change.getReason()).isEqualTo(BalanceChangeReason.USAGE);
        assertThat(change.getCausationId()).isEqualTo("unitel:e-1");
        assertThat(change.getVersion()).isEqualTo(1);
        assertThat(change.getOccurredAt()).isEqualTo(T0);
    }

    @Test
    void an_opening_balance_is_credited_once_as_an_adjustment() {
        register(ALICE, ALICE_MSISDN, "LAK", money(20_000, "LAK"));

        BalanceChanged opening = changes.readValue();
        assertThat(opening.getReason()).isEqualTo(BalanceChangeReason.ADJUSTMENT);
        assertThat(opening.getNewBalance()).isEqualTo(money(20_000, "LAK"));
        assertThat(opening.getVersion()).isEqualTo(1);

        register(ALICE, ALICE_MSISDN, "LAK", money(20_000, "LAK"));
        assertThat(changes.isEmpty()).as("the compacted topic replays the registration; no second credit").isTrue();
    }

    @Test
    void a_redelivered_usage_event_is_debited_once_and_versions_rise_by_one() {
        register(ALICE, ALICE_MSISDN, "LAK", money(20_000, "LAK"));
        changes.readValue();

        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(3_000, "LAK")), T0);
        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(3_000, "LAK")), T0.plusSeconds(1));
        usage.pipeInput(ALICE_MSISDN, usage("e-2", ALICE_MSISDN, money(4_000, "LAK")), T0.plusSeconds(2));

        List<BalanceChanged> out = changes.readValuesToList();
        assertThat(out).extracting(c -> c.getNewBalance().getMinorUnits()).containsExactly(17_000L, 13_000L);
        assertThat(out).extracting(BalanceChanged::getVersion).containsExactly(2L, 3L);
        assertThat(out.get(0).getEventId()).isNotEqualTo(out.get(1).getEventId());
    }

    @Test
    void the_same_event_id_from_two_carriers_is_two_usages() {
        register(ALICE, ALICE_MSISDN, "LAK", null);

        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(1_000, "LAK")), T0);
        UsageRecorded otherCarrier = usage("e-1", ALICE_MSISDN, money(1_000, "LAK"));
        otherCarrier.setCarrierId("etl");
        usage.pipeInput(ALICE_MSISDN, otherCarrier, T0);

        assertThat(changes.readValuesToList()).extracting(c -> c.getNewBalance().getMinorUnits())
                .containsExactly(-1_000L, -2_000L);
    }

    @Test
    void usage_for_an_unknown_msisdn_goes_to_the_dead_letter_topic_after_the_grace_period_and_the_stream_flows_on() {
        register(ALICE, ALICE_MSISDN, "LAK", null);

        usage.pipeInput("+8562099999999", usage("e-x", "+8562099999999", money(1_000, "LAK")), T0);
        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(1_000, "LAK")), T0);
        assertThat(changes.readValuesToList()).as("Alice's usage does not wait behind the unknown one").hasSize(1);
        driver.advanceWallClockTime(Duration.ofSeconds(29));
        assertThat(usageDeadLetters.isEmpty()).as("still within the grace period").isTrue();
        driver.advanceWallClockTime(Duration.ofSeconds(2));

        TestRecord<String, UsageRecorded> dead = usageDeadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("+8562099999999");
        assertThat(dead.value().getEventId()).isEqualTo("e-x");
        assertThat(header(dead, DeadLetters.REASON_CODE_HEADER)).isEqualTo("UNKNOWN_SUBSCRIBER");
        assertThat(header(dead, DeadLetters.DETAIL_HEADER)).contains("unitel:e-x");
        assertThat(usageDeadLetters.isEmpty()).isTrue();
    }

    @Test
    void usage_that_arrives_just_before_the_registration_waits_for_it_and_is_debited_in_order() {
        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(1_000, "LAK")), T0);
        usage.pipeInput(ALICE_MSISDN, usage("e-2", ALICE_MSISDN, money(2_000, "LAK")), T0.plusSeconds(1));
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertThat(changes.isEmpty()).isTrue();

        register(ALICE, ALICE_MSISDN, "LAK", null);
        driver.advanceWallClockTime(Duration.ofMillis(250));

        assertThat(changes.readValuesToList()).as("released at the next look at the parked usage, a quarter second on")
                .extracting(c -> c.getNewBalance().getMinorUnits()).containsExactly(-1_000L, -3_000L);
        driver.advanceWallClockTime(Duration.ofSeconds(60));
        assertThat(usageDeadLetters.isEmpty()).isTrue();
    }

    @Test
    void usage_in_another_currency_than_the_account_is_not_applied() {
        register(ALICE, ALICE_MSISDN, "LAK", null);

        usage.pipeInput(ALICE_MSISDN, usage("e-usd", ALICE_MSISDN, money(100, "USD")), T0);

        assertThat(changes.isEmpty()).isTrue();
        TestRecord<String, UsageRecorded> dead = usageDeadLetters.readRecord();
        assertThat(header(dead, DeadLetters.REASON_CODE_HEADER)).isEqualTo("CURRENCY_MISMATCH");
        assertThat(header(dead, DeadLetters.EXCEPTION_MESSAGE_HEADER)).contains("USD").contains("LAK");
    }

    @Test
    void a_completed_top_up_is_credited_once_with_the_request_as_cause() {
        register(ALICE, ALICE_MSISDN, "LAK", null);
        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(5_000, "LAK")), T0);
        changes.readValue();

        outcomes.pipeInput(ALICE, completed("req-1", 50_000), T0.plusSeconds(5));
        outcomes.pipeInput(ALICE, completed("req-1", 50_000), T0.plusSeconds(6));

        List<BalanceChanged> out = changes.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getReason()).isEqualTo(BalanceChangeReason.TOP_UP);
        assertThat(out.get(0).getCausationId()).isEqualTo("req-1");
        assertThat(out.get(0).getNewBalance()).isEqualTo(money(45_000, "LAK"));
        assertThat(out.get(0).getVersion()).isEqualTo(2);
    }

    @Test
    void a_replayed_top_up_that_was_a_dry_run_credits_nothing_and_a_real_one_after_it_is_credited() {
        register(ALICE, ALICE_MSISDN, "LAK", null);
        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(5_000, "LAK")), T0);
        changes.readValue();

        outcomes.pipeInput(new TestRecord<>(ALICE, completed("req-replayed", 50_000), new RecordHeaders()
                .add(EventHeaders.DRY_RUN, "true".getBytes(StandardCharsets.UTF_8))
                .add(EventHeaders.REPLAYED_FROM, "usage-events/0/7".getBytes(StandardCharsets.UTF_8)), T0.plusSeconds(5)));
        assertThat(changes.isEmpty()).as("no money moved, none credited").isTrue();

        outcomes.pipeInput(ALICE, completed("req-1", 50_000), T0.plusSeconds(6));
        assertThat(changes.readValue().getNewBalance()).isEqualTo(money(45_000, "LAK"));
    }

    @Test
    void a_replayed_usage_event_stays_marked_as_a_replay_on_its_ledger_change_even_after_waiting_for_the_registration() {
        usage.pipeInput(new TestRecord<>(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(1_000, "LAK")), new RecordHeaders()
                .add(EventHeaders.REPLAYED_FROM, "usage-events/2/41".getBytes(StandardCharsets.UTF_8)), T0));
        register(ALICE, ALICE_MSISDN, "LAK", null);
        usage.pipeInput(new TestRecord<>(ALICE_MSISDN, usage("e-2", ALICE_MSISDN, money(1_000, "LAK")), new RecordHeaders()
                .add(EventHeaders.REPLAYED_FROM, "usage-events/2/42".getBytes(StandardCharsets.UTF_8)), T0.plusSeconds(1)));
        usage.pipeInput(ALICE_MSISDN, usage("e-3", ALICE_MSISDN, money(1_000, "LAK")), T0.plusSeconds(2));

        List<TestRecord<String, BalanceChanged>> out = changes.readRecordsToList();
        assertThat(out).extracting(change -> EventHeaders.text(change.headers(), EventHeaders.REPLAYED_FROM))
                .containsExactly("usage-events/2/41", "usage-events/2/42", null);
    }

    @Test
    void a_registration_puts_the_number_in_the_directory_that_every_instance_reads_whole() {
        register(ALICE, ALICE_MSISDN, "LAK", null);

        TestRecord<String, SubscriberNumberAssigned> assigned = numbers.readRecord();
        assertThat(assigned.key()).isEqualTo(ALICE_MSISDN);
        assertThat(assigned.value().getSubscriberId()).isEqualTo(ALICE);
        register(ALICE, ALICE_MSISDN, "LAK", null);
        assertThat(numbers.isEmpty()).as("the compacted topic replays the registration; the directory has it already").isTrue();
    }

    @Test
    void a_number_missing_from_the_directory_after_an_upgrade_is_put_there_at_start_and_its_usage_applied() {
        register(ALICE, ALICE_MSISDN, "LAK", null);
        numbers.readRecord();
        // what an upgrade from a version without the directory looks like: accounts, and no numbers
        driver.createInputTopic(Topics.SUBSCRIBER_NUMBERS.name(), Serdes.String().serializer(),
                Topics.SUBSCRIBER_NUMBERS.valueSerde().serializer()).pipeInput(ALICE_MSISDN, null, T0);
        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(1_000, "LAK")), T0);
        assertThat(changes.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofSeconds(2));

        assertThat(numbers.readRecord().value().getSubscriberId()).isEqualTo(ALICE);
        driver.advanceWallClockTime(Duration.ofMillis(250));
        assertThat(changes.readValuesToList()).extracting(BalanceChanged::getCausationId).containsExactly("unitel:e-1");
        assertThat(usageDeadLetters.isEmpty()).isTrue();
    }

    private void register(String id, String msisdn, String currency, Money opening) {
        subscribers.pipeInput(id, SubscriberRegistered.newBuilder().setSubscriberId(id).setMsisdn(msisdn)
                .setCurrency(currency).setLanguage(Language.LO).setStatus(SubscriberStatus.ACTIVE)
                .setOpeningBalance(opening).setRegisteredAt(T0).build(), T0);
    }

    @Test
    void a_duplicate_is_counted_not_just_dropped() {
        register(ALICE, ALICE_MSISDN, "LAK", null);

        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(1_000, "LAK")), T0);
        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(1_000, "LAK")), T0);

        assertThat(changes.readValuesToList()).hasSize(1);
        assertThat(metrics.counts).containsEntry("duplicate:usage", 1).containsEntry("applied:USAGE", 1);
    }

    @Test
    void an_absurd_charge_is_refused_and_the_next_is_applied() {
        register(ALICE, ALICE_MSISDN, "LAK", null);

        usage.pipeInput(ALICE_MSISDN, usage("e-big", ALICE_MSISDN, money(90_000_000, "LAK")), T0);
        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(1_000, "LAK")), T0);

        assertThat(header(usageDeadLetters.readRecord(), DeadLetters.REASON_CODE_HEADER)).isEqualTo("INVALID_AMOUNT");
        assertThat(changes.readValuesToList()).extracting(c -> c.getNewBalance().getMinorUnits()).containsExactly(-1_000L);
        assertThat(metrics.counts).containsEntry("refused:INVALID_AMOUNT", 1);
    }

    @Test
    void a_usage_record_that_is_not_avro_is_dead_lettered_as_it_came_and_the_next_is_applied() {
        register(ALICE, ALICE_MSISDN, "LAK", null);
        TestInputTopic<String, byte[]> raw = driver.createInputTopic(Topics.USAGE_EVENTS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        byte[] poison = "{\"msisdn\":\"+8562055512345\",\"charge\":1000}".getBytes(StandardCharsets.UTF_8);

        raw.pipeInput(ALICE_MSISDN, poison, T0);
        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(1_000, "LAK")), T0);

        TestRecord<String, byte[]> dead = driver.createOutputTopic(Topics.USAGE_EVENTS.deadLetterTopic(),
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer()).readRecord();
        assertThat(dead.key()).isEqualTo(ALICE_MSISDN);
        assertThat(dead.value()).as("the bytes as the carrier sent them").isEqualTo(poison);
        assertThat(header(dead, DeadLetters.REASON_CODE_HEADER)).isEqualTo("UNDECODABLE");
        assertThat(header(dead, DeadLetters.DETAIL_HEADER)).contains("Not an Avro record");
        assertThat(header(dead, DeadLetters.ORIGINAL_TOPIC_HEADER)).isEqualTo(Topics.USAGE_EVENTS.name());
        assertThat(changes.readValuesToList()).extracting(c -> c.getNewBalance().getMinorUnits()).containsExactly(-1_000L);
    }

    @Test
    void usage_out_of_time_order_within_the_window_is_applied_and_older_than_the_window_is_refused_as_stale() {
        register(ALICE, ALICE_MSISDN, "LAK", null);
        Instant now = T0.plus(Duration.ofDays(30));
        usage.pipeInput(ALICE_MSISDN, usage("e-now", ALICE_MSISDN, money(1_000, "LAK"), now), now);

        usage.pipeInput(ALICE_MSISDN, usage("e-yesterday", ALICE_MSISDN, money(1_000, "LAK"), now.minus(Duration.ofDays(1))), now);
        usage.pipeInput(ALICE_MSISDN, usage("e-last-month", ALICE_MSISDN, money(1_000, "LAK"), now.minus(Duration.ofDays(8))), now);

        assertThat(changes.readValuesToList()).extracting(BalanceChanged::getCausationId)
                .containsExactly("unitel:e-now", "unitel:e-yesterday");
        TestRecord<String, UsageRecorded> dead = usageDeadLetters.readRecord();
        assertThat(header(dead, DeadLetters.REASON_CODE_HEADER)).isEqualTo("STALE_EVENT");
        assertThat(dead.value().getEventId()).isEqualTo("e-last-month");
    }

    @Test
    void the_dedupe_memory_forgets_usage_after_the_retention_window() {
        register(ALICE, ALICE_MSISDN, "LAK", null);
        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(1_000, "LAK")), T0);
        KeyValueStore<String, Long> applied = driver.getKeyValueStore(BalanceTopology.APPLIED_STORE);
        assertThat(applied.get("usage:unitel:e-1")).isNotNull();

        Instant later = T0.plus(Duration.ofDays(8));
        usage.pipeInput(ALICE_MSISDN, usage("e-2", ALICE_MSISDN, money(1_000, "LAK"), later), later);

        assertThat(applied.get("usage:unitel:e-1")).as("forgotten").isNull();
        assertThat(applied.get("usage:unitel:e-2")).isNotNull();
        usage.pipeInput(ALICE_MSISDN, usage("e-1", ALICE_MSISDN, money(1_000, "LAK")), later);
        assertThat(header(usageDeadLetters.readRecord(), DeadLetters.REASON_CODE_HEADER))
                .as("a replay of a forgotten event is refused as stale, never debited twice").isEqualTo("STALE_EVENT");
    }

    /**
     * The ids past the window are forgotten a slice at a time, each look going on from where the last stopped, so that
     * a carrier's week of ids (billions) is never read in one go; and the looks still go round all of them.
     */
    @Test
    void the_dedupe_memory_is_purged_a_slice_at_a_time_and_the_looks_go_round_all_of_it() {
        // a slice of 20 ids here (20,000 in service), so that a slice is a few records to pipe
        int purgeSlice = 20;
        driver.close();
        startDriver(purgeSlice);
        register(ALICE, ALICE_MSISDN, "LAK", money(1_000_000_000L, "LAK"));
        int old = purgeSlice + purgeSlice / 2;
        for (int i = 0; i < old; i++) {
            usage.pipeInput(ALICE_MSISDN, usage("old-" + i, ALICE_MSISDN, money(1, "LAK")), T0);
        }
        // a look while nothing has expired: it reads them all (three times as many as were remembered since the last)
        Instant soon = T0.plusSeconds(10);
        usage.pipeInput(ALICE_MSISDN, usage("mid", ALICE_MSISDN, money(1, "LAK"), soon), soon);
        KeyValueStore<String, Long> applied = driver.getKeyValueStore(BalanceTopology.APPLIED_STORE);
        assertThat(remembered(applied, "usage:unitel:old-")).isEqualTo(old);

        Instant later = T0.plus(Duration.ofDays(8));
        usage.pipeInput(ALICE_MSISDN, usage("new-1", ALICE_MSISDN, money(1, "LAK"), later), later);
        long left = remembered(applied, "usage:unitel:old-");
        assertThat(left).as("one look forgets one slice").isPositive().isLessThan(old);

        Instant next = later.plusSeconds(10);
        usage.pipeInput(ALICE_MSISDN, usage("new-2", ALICE_MSISDN, money(1, "LAK"), next), next);
        assertThat(remembered(applied, "usage:unitel:old-")).as("the next goes on from there").isZero();
        assertThat(applied.get("usage:unitel:new-1")).isNotNull();
        assertThat(applied.get("usage:unitel:new-2")).isNotNull();
    }

    private static long remembered(KeyValueStore<String, Long> applied, String prefix) {
        long count = 0;
        try (org.apache.kafka.streams.state.KeyValueIterator<String, Long> all = applied.all()) {
            while (all.hasNext()) {
                if (all.next().key.startsWith(prefix)) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void an_adjustment_is_applied_once_per_key_and_shows_in_the_history_with_its_reason() {
        register(ALICE, ALICE_MSISDN, "LAK", money(5_000, "LAK"));
        changes.readValue();
        TestInputTopic<String, BalanceAdjustmentRequested> adjustments = driver.createInputTopic(
                Topics.BALANCE_ADJUSTMENTS.name(), Serdes.String().serializer(), Topics.BALANCE_ADJUSTMENTS.valueSerde().serializer());
        BalanceAdjustmentRequested goodwill = BalanceAdjustmentRequested.newBuilder().setAdjustmentId("ops-2026-11-24-001")
                .setSubscriberId(ALICE).setAmount(money(-2_000, "LAK")).setReason("refund reversal").setRequestedAt(T0).build();

        adjustments.pipeInput(ALICE, goodwill, T0);
        adjustments.pipeInput(ALICE, goodwill, T0);

        List<BalanceChanged> out = changes.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getReason()).isEqualTo(BalanceChangeReason.ADJUSTMENT);
        assertThat(out.get(0).getCausationId()).isEqualTo("ops-2026-11-24-001");
        assertThat(out.get(0).getNewBalance()).isEqualTo(money(3_000, "LAK"));
        KeyValueStore<Bytes, LedgerEntries.Entry> history = driver.getKeyValueStore(BalanceTopology.ENTRIES_STORE);
        assertThat(LedgerEntries.page(history, driver.getKeyValueStore(BalanceTopology.FORMER_HISTORY_STORE), ALICE, Long.MAX_VALUE, 10)).extracting(LedgerEntries.Entry::description)
                .containsExactly("refund reversal", "opening balance");
    }

    private static UsageRecorded usage(String eventId, String msisdn, Money charge) {
        return usage(eventId, msisdn, charge, T0);
    }

    private static UsageRecorded usage(String eventId, String msisdn, Money charge, Instant occurredAt) {
        return UsageRecorded.newBuilder().setEventId(eventId).setCarrierId("unitel").setMsisdn(msisdn)
                .setUsageType(UsageType.DATA).setUnits(50).setUnit("MB").setCharge(charge).setOccurredAt(occurredAt).build();
    }

    /** Counts what the ledger reports, by "kind:name". */
    static final class CountingMetrics implements LedgerMetrics {
        final Map<String, Integer> counts = new java.util.HashMap<>();

        @Override
        public void applied(String reason) {
            counts.merge("applied:" + reason, 1, Integer::sum);
        }

        @Override
        public void duplicate(String kind) {
            counts.merge("duplicate:" + kind, 1, Integer::sum);
        }

        @Override
        public void refused(String reason) {
            counts.merge("refused:" + reason, 1, Integer::sum);
        }
    }

    private static TopUpCompleted completed(String requestId, long amount) {
        return TopUpCompleted.newBuilder().setRequestId(requestId).setSubscriberId(ALICE)
                .setAmount(money(amount, "LAK")).setPaymentMethodId("pm-1").setPaymentReference("ch_1")
                .setCompletedAt(T0).build();
    }

    private static String header(TestRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void each_code_request_is_counted_under_its_address_its_minute_and_a_foreign_country_and_old_minutes_are_dropped() {
        TestInputTopic<String, CodeRequested> requests = driver.createInputTopic(Topics.CODE_REQUESTS.name(),
                Serdes.String().serializer(), Topics.CODE_REQUESTS.valueSerde().serializer());
        Instant at = Instant.parse("2026-12-07T03:00:10Z");
        requests.pipeInput("addr-1", codeRequested("addr-1", "sub-1", at, null));
        requests.pipeInput("addr-2", codeRequested("addr-2", "sub-2", at.plusSeconds(5), "66"));
        requests.pipeInput("addr-2", codeRequested("addr-2", "sub-3", at.plusSeconds(6), "66"));
        KeyValueStore<String, RecentCodeRequests> counted = driver.getKeyValueStore(BalanceTopology.CODE_REQUESTS_STORE);
        String minute = "minute:" + at.getEpochSecond() / 60;

        assertThat(counted.get(minute).requests()).hasSize(3);
        assertThat(counted.get("country:66").requests()).hasSize(2);
        assertThat(counted.get("addr-2").requests()).hasSize(2);

        requests.pipeInput("addr-1", codeRequested("addr-1", "sub-1", at.plus(java.time.Duration.ofMinutes(30)), null));
        assertThat(counted.get(minute)).as("a minute long over is no longer kept").isNull();
        assertThat(counted.get("addr-1").requests()).as("the hour's count per address stays").hasSize(2);
    }

    private static CodeRequested codeRequested(String address, String subscriberId, Instant at, String country) {
        return CodeRequested.newBuilder().setRequestedFrom(address).setSubscriberId(subscriberId).setRequestedAt(at)
                .setCountryCode(country).build();
    }
}
