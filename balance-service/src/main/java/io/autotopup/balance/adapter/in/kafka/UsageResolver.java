package io.autotopup.balance.adapter.in.kafka;

import io.autotopup.events.UsageRecorded;
import io.autotopup.platform.streams.Routed;
import io.autotopup.schemas.EventHeaders;
import io.autotopup.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
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
 * Re-keys usage from its MSISDN to the subscriber registered with it. Both inputs arrive here keyed by
 * MSISDN: registrations (as subscriber ids) keep the index, usage looks it up. Usage for an MSISDN the
 * index does not know yet waits, parked, for up to the grace period, so that a subscriber who uses data a
 * moment after registering is still charged; when the registration arrives the parked usage goes on in
 * order, and what is still unknown after the grace period goes to the dead-letter topic.
 */
final class UsageResolver implements Processor<String, Object, String, Routed<UsageRecorded>> {

    private static final String SEPARATOR = "|";
    private static final String REPLAY_MARKER = "|replayed-from=";

    private final Duration grace;
    private ProcessorContext<String, Routed<UsageRecorded>> context;
    private KeyValueStore<String, String> index;
    private TimestampedKeyValueStore<String, UsageRecorded> parked;

    UsageResolver(Duration grace) {
        this.grace = grace;
    }

    @Override
    public void init(ProcessorContext<String, Routed<UsageRecorded>> context) {
        this.context = context;
        this.index = context.getStateStore(BalanceTopology.SUBSCRIBER_INDEX_STORE);
        this.parked = context.getStateStore(BalanceTopology.PARKED_USAGE_STORE);
        Duration interval = grace.compareTo(Duration.ofSeconds(1)) < 0 ? grace : Duration.ofSeconds(1);
        context.schedule(interval.isZero() ? Duration.ofMillis(100) : interval, PunctuationType.WALL_CLOCK_TIME,
                this::expire);
    }

    @Override
    public void process(Record<String, Object> record) {
        if (record.value() instanceof String subscriberId) {
            index.put(record.key(), subscriberId);
            release(record.key(), subscriberId);
        } else if (record.value() instanceof UsageRecorded usage) {
            String subscriberId = index.get(usage.getMsisdn());
            if (subscriberId != null) {
                context.forward(record.withKey(subscriberId).withValue(Routed.accepted(usage)));
            } else {
                // a replay stays a replay while it waits: its origin is kept in the key (the store keeps no headers)
                String replayedFrom = EventHeaders.text(record.headers(), EventHeaders.REPLAYED_FROM);
                parked.put(usage.getMsisdn() + SEPARATOR + usage.getCarrierId() + ":" + usage.getEventId()
                        + (replayedFrom == null ? "" : REPLAY_MARKER + replayedFrom),
                        ValueAndTimestamp.make(usage, context.currentSystemTimeMs()));
            }
        }
    }

    private void release(String msisdn, String subscriberId) {
        List<KeyValue<String, ValueAndTimestamp<UsageRecorded>>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<UsageRecorded>> found =
                     parked.prefixScan(msisdn + SEPARATOR, new StringSerializer())) {
            found.forEachRemaining(waiting::add);
        }
        waiting.sort(java.util.Comparator.comparingLong(entry -> entry.value.timestamp()));
        for (KeyValue<String, ValueAndTimestamp<UsageRecorded>> entry : waiting) {
            parked.delete(entry.key);
            UsageRecorded usage = entry.value.value();
            context.forward(new Record<>(subscriberId, Routed.accepted(usage), usage.getOccurredAt().toEpochMilli(),
                    replayHeaders(entry.key)));
        }
    }

    private void expire(long now) {
        List<KeyValue<String, ValueAndTimestamp<UsageRecorded>>> expired = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<UsageRecorded>> all = parked.all()) {
            all.forEachRemaining(entry -> {
                if (now - entry.value.timestamp() >= grace.toMillis()) {
                    expired.add(entry);
                }
            });
        }
        for (KeyValue<String, ValueAndTimestamp<UsageRecorded>> entry : expired) {
            parked.delete(entry.key);
            UsageRecorded usage = entry.value.value();
            context.forward(new Record<>(usage.getMsisdn(), Routed.rejected(usage, Topics.USAGE_EVENTS.deadLetterTopic(),
                    "UNKNOWN_SUBSCRIBER", "No subscriber was registered with the MSISDN of usage event "
                            + usage.getCarrierId() + ":" + usage.getEventId() + " within " + grace),
                    usage.getOccurredAt().toEpochMilli(), replayHeaders(entry.key)));
        }
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
