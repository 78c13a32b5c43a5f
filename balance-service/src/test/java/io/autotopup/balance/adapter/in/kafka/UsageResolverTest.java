package io.autotopup.balance.adapter.in.kafka;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.events.SubscriberNumberAssigned;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.platform.streams.Routed;
import io.autotopup.schemas.AvroSerde;
import io.autotopup.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The parked usage is looked at a slice at a time ({@link UsageResolver}'s scan limit, two records here), so a large
 * backlog costs each look a bounded amount: everything parked is still released or dead-lettered, a round of looks
 * later at most, and one number's parked usage goes on together and in order.
 */
class UsageResolverTest {

    private static final Instant T0 = Instant.parse("2026-12-02T08:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final MockProcessorContext<String, Routed<UsageRecorded>> context = new MockProcessorContext<>();
    private KeyValueStore<String, SubscriberNumberAssigned> numbers;
    private final UsageResolver resolver = new UsageResolver(GRACE, 2);
    private long now = T0.toEpochMilli();

    @BeforeEach
    @SuppressWarnings("unchecked")
    void init() {
        numbers = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BalanceTopology.NUMBERS_STORE), Serdes.String(),
                (AvroSerde<SubscriberNumberAssigned>) Topics.SUBSCRIBER_NUMBERS.valueSerde()).withLoggingDisabled().build();
        TimestampedKeyValueStore<String, UsageRecorded> parked = Stores.timestampedKeyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(BalanceTopology.PARKED_USAGE_STORE), Serdes.String(),
                (AvroSerde<UsageRecorded>) Topics.USAGE_EVENTS.valueSerde()).withLoggingDisabled().build();
        numbers.init(context.getStateStoreContext(), numbers);
        parked.init(context.getStateStoreContext(), parked);
        context.addStateStore(numbers);
        context.addStateStore(parked);
        context.setCurrentSystemTimeMs(now);
        resolver.init(context);
    }

    @Test
    void a_backlog_of_parked_usage_is_released_a_slice_per_look_and_all_of_it_in_a_round() {
        for (int n = 1; n <= 5; n++) {
            resolver.process(record(usage("e" + n, "+85620555000" + n)));
        }
        assertThat(context.forwarded()).as("nobody is registered yet: all of it is parked").isEmpty();
        for (int n = 1; n <= 5; n++) {
            register("+85620555000" + n, "sub-" + n);
        }

        look(250);
        assertThat(forwardedEventIds()).as("the first look reads two parked records").containsExactly("e1", "e2");
        look(250);
        assertThat(forwardedEventIds()).as("the next goes on where it stopped").containsExactly("e1", "e2", "e3", "e4");
        look(250);
        assertThat(forwardedEventIds()).containsExactly("e1", "e2", "e3", "e4", "e5");
        assertThat(context.forwarded().stream().map(forward -> (String) forward.record().key()).toList()).containsExactly("sub-1", "sub-2", "sub-3", "sub-4", "sub-5");

        resolver.process(record(usage("e6", "+856205550001")));
        assertThat(forwardedEventIds()).as("nothing is parked any more: usage goes straight on").endsWith("e6");
    }

    @Test
    void a_numbers_parked_usage_goes_on_together_and_oldest_first_even_past_the_scan_limit() {
        resolver.process(record(usage("c", "+8562055500001")));
        now += 10;
        context.setCurrentSystemTimeMs(now);
        resolver.process(record(usage("a", "+8562055500001")));
        now += 10;
        context.setCurrentSystemTimeMs(now);
        resolver.process(record(usage("b", "+8562055500001")));
        resolver.process(record(usage("z", "+8562055500002")));
        register("+8562055500001", "sub-1");
        register("+8562055500002", "sub-2");

        look(250);
        assertThat(forwardedEventIds()).as("three records of one number, past the limit of two, in the order they arrived")
                .containsExactly("c", "a", "b");
        look(250);
        assertThat(forwardedEventIds()).containsExactly("c", "a", "b", "z");
    }

    @Test
    void usage_still_unknown_after_the_grace_period_is_dead_lettered_within_a_round_of_looks() {
        for (int n = 1; n <= 5; n++) {
            resolver.process(record(usage("e" + n, "+85620666000" + n)));
        }
        look(29_000);
        look(250);
        look(250);
        assertThat(context.forwarded()).as("within the grace period, nothing is dead-lettered").isEmpty();

        look(1_000);
        look(250);
        look(250);
        List<Routed<UsageRecorded>> sent = context.forwarded().stream()
                .map(forward -> (Routed<UsageRecorded>) forward.record().value()).toList();
        assertThat(sent).hasSize(5).allSatisfy(routed -> {
            assertThat(routed.isAccepted()).isFalse();
            assertThat(routed.rejection().code()).isEqualTo("UNKNOWN_SUBSCRIBER");
        });
        assertThat(sent).extracting(routed -> routed.value().getEventId()).containsExactlyInAnyOrder("e1", "e2", "e3", "e4", "e5");
    }

    private void look(long afterMillis) {
        now += afterMillis;
        context.setCurrentSystemTimeMs(now);
        context.scheduledPunctuators().forEach(punctuator -> punctuator.getPunctuator().punctuate(now));
    }

    private void register(String msisdn, String subscriberId) {
        numbers.put(msisdn, SubscriberNumberAssigned.newBuilder().setMsisdn(msisdn).setSubscriberId(subscriberId)
                .setAssignedAt(T0).build());
    }

    private List<String> forwardedEventIds() {
        return context.forwarded().stream().map(forward -> forward.record().value().value().getEventId()).toList();
    }

    private static Record<String, UsageRecorded> record(UsageRecorded usage) {
        return new Record<>(usage.getMsisdn(), usage, usage.getOccurredAt().toEpochMilli());
    }

    private static UsageRecorded usage(String eventId, String msisdn) {
        return UsageRecorded.newBuilder().setEventId(eventId).setCarrierId("unitel").setMsisdn(msisdn).setUsageType(UsageType.DATA)
                .setUnits(50).setUnit("MB").setCharge(money(1_000, "LAK")).setOccurredAt(T0).build();
    }
}
