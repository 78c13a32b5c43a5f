package io.autotopup.balance.adapter.in.kafka;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.balance.domain.Balance;
import io.autotopup.balance.domain.LedgerPolicy;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.Language;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberStatus;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.platform.testing.TopologyDrivers;
import io.autotopup.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's history: one entry per change, paged by cursor, bounded by the policy, moved over from the old format. */
class LedgerHistoryTest {

    private static final String ALICE = "sub-alice";
    private static final String ALICE_MSISDN = "+8562055512345";
    private static final String BOB = "sub-bob";
    private static final String BOB_MSISDN = "+8562055567890";
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");
    private static final String APPLICATION_ID = "balance-history-test";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, SpecificRecord> subscribers;
    private TestInputTopic<String, UsageRecorded> usage;
    private TestOutputTopic<String, BalanceChanged> changes;

    private void start(int historyKept) {
        LedgerPolicy policy = new LedgerPolicy(Map.of("LAK", 1_000_000L), Duration.ofDays(7), historyKept);
        driver = TopologyDrivers.drive(BalanceTopology.build(new StreamsBuilder(), Duration.ofSeconds(30), policy,
                new BalanceTopologyTest.CountingMetrics()), APPLICATION_ID, stateDir, T0);
        subscribers = driver.createInputTopic(Topics.SUBSCRIBERS.name(), Serdes.String().serializer(),
                Topics.SUBSCRIBERS.valueSerde().serializer());
        usage = driver.createInputTopic(Topics.USAGE_EVENTS.name(), Serdes.String().serializer(),
                Topics.USAGE_EVENTS.valueSerde().serializer());
        changes = driver.createOutputTopic(Topics.BALANCE_CHANGES.name(), Serdes.String().deserializer(),
                Topics.BALANCE_CHANGES.valueSerde().deserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void paging_by_cursor_goes_back_through_every_change_once_newest_first() {
        start(LedgerPolicy.DEFAULT_HISTORY_KEPT);
        register(ALICE, ALICE_MSISDN, 1_000_000);
        for (int event = 1; event <= 250; event++) {
            use(ALICE_MSISDN, "a-" + event, 100 + event);
        }

        List<Long> versions = new ArrayList<>();
        long before = Long.MAX_VALUE;
        int pages = 0;
        for (List<LedgerEntries.Entry> page = page(ALICE, before, 100); !page.isEmpty(); page = page(ALICE, before, 100)) {
            page.forEach(entry -> versions.add(entry.version()));
            before = page.get(page.size() - 1).version();
            pages++;
        }

        assertThat(pages).isEqualTo(3);
        assertThat(versions).as("the opening balance and 250 debits, each once, newest first")
                .containsExactlyElementsOf(LongStream.iterate(251, v -> v - 1).limit(251).boxed().toList());
        assertThat(page(ALICE, 3, 100)).extracting(LedgerEntries.Entry::description)
                .containsExactly("DATA 50 MB", "opening balance");
        LedgerEntries.Entry newest = page(ALICE, Long.MAX_VALUE, 1).get(0);
        assertThat(newest.amount()).isEqualTo(-350);
        assertThat(newest.balanceAfter()).isEqualTo(1_000_000 - LongStream.rangeClosed(1, 250).map(e -> 100 + e).sum());
        assertThat(newest.causationId()).isEqualTo("unitel:a-250");
    }

    @Test
    void a_change_appends_one_small_entry_to_the_changelog_however_long_the_history() {
        start(LedgerPolicy.DEFAULT_HISTORY_KEPT);
        register(ALICE, ALICE_MSISDN, 1_000_000);
        TestOutputTopic<Bytes, byte[]> changelog = driver.createOutputTopic(APPLICATION_ID + "-"
                + BalanceTopology.ENTRIES_STORE + "-changelog", Serdes.Bytes().deserializer(), Serdes.ByteArray().deserializer());
        changelog.readRecordsToList();
        TestOutputTopic<String, byte[]> balancesChangelog = driver.createOutputTopic(APPLICATION_ID + "-"
                + BalanceTopology.BALANCES_STORE + "-changelog", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());

        use(ALICE_MSISDN, "first", 1_000);
        List<TestRecord<Bytes, byte[]>> first = changelog.readRecordsToList();
        for (int event = 1; event <= 500; event++) {
            use(ALICE_MSISDN, "e-" + event, 1_000);
        }
        changelog.readRecordsToList();
        use(ALICE_MSISDN, "last", 1_000);
        List<TestRecord<Bytes, byte[]>> last = changelog.readRecordsToList();

        assertThat(first).hasSize(1);
        assertThat(last).as("one entry, not the history rewritten").hasSize(1);
        assertThat(balancesChangelog.readRecordsToList()).as("the newest entry is the balance: nothing else is written")
                .isEmpty();
        assertThat(last.get(0).value().length).as("bytes of the 503rd entry").isLessThanOrEqualTo(first.get(0).value().length + 2)
                .isLessThan(80);
    }

    @Test
    void beyond_what_the_policy_keeps_the_oldest_entries_go_and_another_subscriber_keeps_theirs() {
        start(10);
        register(ALICE, ALICE_MSISDN, 1_000_000);
        register(BOB, BOB_MSISDN, 50_000);
        for (int event = 1; event <= 24; event++) {
            use(ALICE_MSISDN, "a-" + event, 1_000);
        }
        use(BOB_MSISDN, "b-1", 1_000);

        assertThat(page(ALICE, Long.MAX_VALUE, 100)).extracting(LedgerEntries.Entry::version)
                .containsExactly(25L, 24L, 23L, 22L, 21L, 20L, 19L, 18L, 17L, 16L);
        assertThat(stored(ALICE)).as("what the store holds, not only what a page shows").isEqualTo(10);
        assertThat(page(BOB, Long.MAX_VALUE, 100)).extracting(LedgerEntries.Entry::version).containsExactly(2L, 1L);
        assertThat(changes.readValuesToList()).last().extracting(change -> change.getNewBalance().getMinorUnits())
                .as("the balance is untouched by what the history forgets").isEqualTo(49_000L);
    }

    @Test
    void a_history_kept_by_the_previous_version_reads_the_same_before_and_after_it_moves_and_new_changes_follow_it() {
        start(LedgerPolicy.DEFAULT_HISTORY_KEPT);
        register(ALICE, ALICE_MSISDN, 0);
        register(BOB, BOB_MSISDN, 0);
        // what the previous version left: the newest 100 entries of each subscriber as one JSON value, with the
        // balance at the last of them (the balance and accounts stores are unchanged between the versions)
        KeyValueStore<String, LedgerHistory> former = driver.getKeyValueStore(BalanceTopology.FORMER_HISTORY_STORE);
        KeyValueStore<String, BalanceChanged> balances = driver.getKeyValueStore(BalanceTopology.BALANCES_STORE);
        for (String subscriber : List.of(ALICE, BOB)) {
            LedgerHistory history = new LedgerHistory();
            for (long version = 51; version <= 150; version++) {
                history.add(new LedgerHistory.Entry("event-" + version, version, "USAGE", "VOICE 3 min", "unitel:" + subscriber
                        + "-" + version, -500, 90_000 - 500 * (version - 50), "LAK", T0.toEpochMilli() + version));
            }
            former.put(subscriber, history);
            balances.put(subscriber, BalanceChanged.newBuilder().setEventId("event-150").setSubscriberId(subscriber)
                    .setPreviousBalance(money(40_500, "LAK")).setNewBalance(money(40_000, "LAK")).setDelta(money(-500, "LAK"))
                    .setReason(io.autotopup.events.BalanceChangeReason.USAGE).setCausationId("unitel:" + subscriber + "-150")
                    .setVersion(150).setOccurredAt(T0).build());
        }
        List<LedgerEntries.Entry> bobBefore = page(BOB, Long.MAX_VALUE, 100);
        assertThat(balance(BOB)).isEqualTo(new Balance(40_000, "LAK", 150));
        List<LedgerEntries.Entry> bobOlderBefore = page(BOB, 60, 100);

        use(ALICE_MSISDN, "after-upgrade", 1_000);
        assertThat(page(ALICE, Long.MAX_VALUE, 3)).extracting(LedgerEntries.Entry::version).containsExactly(151L, 150L, 149L);
        assertThat(page(ALICE, Long.MAX_VALUE, 1).get(0).balanceAfter()).isEqualTo(39_000);
        assertThat(former.get(ALICE)).as("moved with the subscriber's first change").isNull();

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(former.get(BOB)).as("moved at start without a change").isNull();
        assertThat(balance(BOB)).as("now read from the newest entry").isEqualTo(new Balance(40_000, "LAK", 150));
        assertThat(page(BOB, Long.MAX_VALUE, 100)).isEqualTo(bobBefore).hasSize(100);
        assertThat(page(BOB, 60, 100)).isEqualTo(bobOlderBefore).extracting(LedgerEntries.Entry::version)
                .containsExactlyElementsOf(LongStream.iterate(59, v -> v - 1).limit(9).boxed().toList());
        assertThat(page(ALICE, Long.MAX_VALUE, 200)).as("the 100 moved and the one after").hasSize(101);
    }

    @Test
    void the_stored_entry_reads_back_exactly_in_any_script_and_at_the_limits_of_a_long() {
        Serde<LedgerEntries.Entry> serde = LedgerEntries.serde();
        List<LedgerEntries.Entry> entries = List.of(
                new LedgerEntries.Entry(1, "ADJUSTMENT", "ຄືນເງິນ 退款 คืนเงิน", "ops-1", Long.MIN_VALUE, Long.MAX_VALUE, "LAK", 0),
                new LedgerEntries.Entry(Long.MAX_VALUE, "USAGE", "", "unitel:e", 0, -1, "USD", Long.MAX_VALUE));
        for (LedgerEntries.Entry entry : entries) {
            byte[] bytes = serde.serializer().serialize("t", entry);
            assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(entry);
        }
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
        assertThat(LedgerEntries.key(ALICE, 2).compareTo(LedgerEntries.key(ALICE, 256))).as("keys in version order").isNegative();
        assertThat(new String(LedgerEntries.key(ALICE, 1).get(), StandardCharsets.UTF_8)).startsWith(ALICE);
    }

    private List<LedgerEntries.Entry> page(String subscriber, long before, int limit) {
        return LedgerEntries.page(driver.getKeyValueStore(BalanceTopology.ENTRIES_STORE),
                driver.getKeyValueStore(BalanceTopology.FORMER_HISTORY_STORE), subscriber, before, limit);
    }

    private Balance balance(String subscriber) {
        return LedgerEntries.balance(driver.getKeyValueStore(BalanceTopology.ENTRIES_STORE),
                driver.getKeyValueStore(BalanceTopology.BALANCES_STORE), subscriber).orElseThrow();
    }

    private int stored(String subscriber) {
        KeyValueStore<Bytes, LedgerEntries.Entry> entries = driver.getKeyValueStore(BalanceTopology.ENTRIES_STORE);
        int count = 0;
        try (KeyValueIterator<Bytes, LedgerEntries.Entry> all = entries.range(LedgerEntries.key(subscriber, 0),
                LedgerEntries.key(subscriber, Long.MAX_VALUE))) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    private void register(String id, String msisdn, long opening) {
        subscribers.pipeInput(id, SubscriberRegistered.newBuilder().setSubscriberId(id).setMsisdn(msisdn).setCurrency("LAK")
                .setLanguage(Language.LO).setStatus(SubscriberStatus.ACTIVE)
                .setOpeningBalance(opening == 0 ? null : money(opening, "LAK")).setRegisteredAt(T0).build(), T0);
    }

    private void use(String msisdn, String eventId, long charge) {
        usage.pipeInput(msisdn, UsageRecorded.newBuilder().setEventId(eventId).setCarrierId("unitel").setMsisdn(msisdn)
                .setUsageType(UsageType.DATA).setUnits(50).setUnit("MB").setCharge(money(charge, "LAK")).setOccurredAt(T0)
                .build(), T0);
    }
}
