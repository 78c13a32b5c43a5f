package io.autotopup.balance.adapter.in.kafka;

import io.autotopup.events.SubscriberNumberAssigned;
import io.autotopup.events.UsageRecorded;
import io.autotopup.platform.streams.Routed;
import io.autotopup.schemas.EventHeaders;
import io.autotopup.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Re-keys usage from its MSISDN to the subscriber the number belongs to, looked up in the directory of numbers
 * that this instance holds whole: usage is resolved on whatever partition it arrived, however the carrier's
 * producer partitions. Usage for a number the directory does not know yet waits, parked on its partition, for
 * up to the grace period, so that a subscriber who uses data a moment after registering is still charged; a
 * few times a second the parked usage whose number has become known goes on, oldest first, and what is still
 * unknown after the grace period goes to the dead-letter topic. Usage for a number with parked usage goes on
 * only after it, so a subscriber's usage keeps its order.
 *
 * <p>Each look reads at most {@value #DEFAULT_SCAN_LIMIT} parked records and the next one goes on from there, so
 * that a large backlog (a bulk registration, say, with usage racing ahead of it) costs the stream thread a bounded
 * slice each time instead of a scan of everything parked, four times a second: the benchmark with a million new
 * subscribers parked hundreds of thousands of records, and the whole scans starved the registrations that would have
 * released them. Parked usage then waits a whole round of looks at most, the grace period at least.
 */
final class UsageResolver implements Processor<String, UsageRecorded, String, Routed<UsageRecorded>> {

    private static final String SEPARATOR = "|";
    private static final String REPLAY_MARKER = "|replayed-from=";
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(250);
    /** Parked records read per look: a few milliseconds of the stream thread. */
    static final int DEFAULT_SCAN_LIMIT = 10_000;

    private final Duration grace;
    private final int scanLimit;
    /** Where the next look at the parked usage starts (a number's first key); null: at the beginning. */
    private String resumeAt;
    private ProcessorContext<String, Routed<UsageRecorded>> context;
    private KeyValueStore<String, SubscriberNumberAssigned> numbers;
    private TimestampedKeyValueStore<String, UsageRecorded> parked;
    /** How many records are parked on this partition: the common case, none, costs no look-up in the store. */
    private long parkedCount;

    UsageResolver(Duration grace) {
        this(grace, DEFAULT_SCAN_LIMIT);
    }

    UsageResolver(Duration grace, int scanLimit) {
        this.grace = grace;
        this.scanLimit = scanLimit;
    }

    @Override
    public void init(ProcessorContext<String, Routed<UsageRecorded>> context) {
        this.context = context;
        this.numbers = context.getStateStore(BalanceTopology.NUMBERS_STORE);
        this.parked = context.getStateStore(BalanceTopology.PARKED_USAGE_STORE);
        try (KeyValueIterator<String, ValueAndTimestamp<UsageRecorded>> all = parked.all()) {
            while (all.hasNext()) {
                all.next();
                parkedCount++;
            }
        }
        Duration interval = grace.compareTo(CHECK_INTERVAL) < 0 && !grace.isZero() ? grace : CHECK_INTERVAL;
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::releaseOrExpire);
    }

    @Override
    public void process(Record<String, UsageRecorded> record) {
        UsageRecorded usage = record.value();
        if (usage == null) {
            return;
        }
        String subscriberId = subscriberOf(usage.getMsisdn());
        if (subscriberId == null) {
            // a replay stays a replay while it waits: its origin is kept in the key (the store keeps no headers)
            String replayedFrom = EventHeaders.text(record.headers(), EventHeaders.REPLAYED_FROM);
            String key = usage.getMsisdn() + SEPARATOR + usage.getCarrierId() + ":" + usage.getEventId()
                    + (replayedFrom == null ? "" : REPLAY_MARKER + replayedFrom);
            if (parked.get(key) == null) {
                parkedCount++;
            }
            parked.put(key, ValueAndTimestamp.make(usage, context.currentSystemTimeMs()));
            return;
        }
        if (parkedCount > 0) {
            release(waiting(usage.getMsisdn()), subscriberId);
        }
        context.forward(record.withKey(subscriberId).withValue(Routed.accepted(usage)));
    }

    private String subscriberOf(String msisdn) {
        SubscriberNumberAssigned number = numbers.get(msisdn);
        return number == null ? null : number.getSubscriberId();
    }

    /** The usage parked for one number. */
    private List<KeyValue<String, ValueAndTimestamp<UsageRecorded>>> waiting(String msisdn) {
        List<KeyValue<String, ValueAndTimestamp<UsageRecorded>>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<UsageRecorded>> found =
                     parked.prefixScan(msisdn + SEPARATOR, new StringSerializer())) {
            found.forEachRemaining(waiting::add);
        }
        return waiting;
    }

    /** Sends parked usage on to the subscriber, oldest first. */
    private void release(List<KeyValue<String, ValueAndTimestamp<UsageRecorded>>> waiting, String subscriberId) {
        waiting.sort(Comparator.comparingLong(entry -> entry.value.timestamp()));
        for (KeyValue<String, ValueAndTimestamp<UsageRecorded>> entry : waiting) {
            parked.delete(entry.key);
            parkedCount--;
            UsageRecorded usage = entry.value.value();
            context.forward(new Record<>(subscriberId, Routed.accepted(usage), usage.getOccurredAt().toEpochMilli(),
                    replayHeaders(entry.key)));
        }
    }

    /**
     * Parked usage whose number is known now goes on; usage that waited out the grace period is dead-lettered. Reads
     * up to the scan limit from where the last look stopped, and never stops inside a number's parked usage (its
     * keys are adjacent: they start with the number and the separator).
     */
    private void releaseOrExpire(long now) {
        if (parkedCount <= 0) {
            return;
        }
        boolean fromStart = resumeAt == null;
        String next = null;
        int read = 0;
        java.util.Map<String, List<KeyValue<String, ValueAndTimestamp<UsageRecorded>>>> byNumber = new java.util.LinkedHashMap<>();
        try (KeyValueIterator<String, ValueAndTimestamp<UsageRecorded>> iterator = fromStart ? parked.all() : parked.range(resumeAt, null)) {
            while (iterator.hasNext()) {
                KeyValue<String, ValueAndTimestamp<UsageRecorded>> entry = iterator.next();
                String msisdn = entry.value.value().getMsisdn();
                if (read >= scanLimit && !byNumber.containsKey(msisdn)) {
                    next = entry.key;
                    break;
                }
                byNumber.computeIfAbsent(msisdn, number -> new ArrayList<>()).add(entry);
                read++;
            }
        }
        resumeAt = next;
        if (fromStart && next == null) {
            parkedCount = read;
        }
        byNumber.forEach((msisdn, waiting) -> {
            String subscriberId = subscriberOf(msisdn);
            if (subscriberId != null) {
                release(waiting, subscriberId);
                return;
            }
            for (KeyValue<String, ValueAndTimestamp<UsageRecorded>> entry : waiting) {
                if (now - entry.value.timestamp() >= grace.toMillis()) {
                    parked.delete(entry.key);
                    parkedCount--;
                    UsageRecorded usage = entry.value.value();
                    context.forward(new Record<>(usage.getMsisdn(), Routed.rejected(usage, Topics.USAGE_EVENTS.deadLetterTopic(),
                            "UNKNOWN_SUBSCRIBER", "No subscriber was registered with the MSISDN of usage event "
                                    + usage.getCarrierId() + ":" + usage.getEventId() + " within " + grace),
                            usage.getOccurredAt().toEpochMilli(), replayHeaders(entry.key)));
                }
            }
        });
    }

    /** The {@code replayed-from} header of a parked replay, from its key; none otherwise. */
    private static Headers replayHeaders(String parkedKey) {
        int marker = parkedKey.lastIndexOf(REPLAY_MARKER);
        Headers headers = new RecordHeaders();
        if (marker >= 0) {
            headers.add(EventHeaders.REPLAYED_FROM, parkedKey.substring(marker + REPLAY_MARKER.length())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return headers;
    }
}
