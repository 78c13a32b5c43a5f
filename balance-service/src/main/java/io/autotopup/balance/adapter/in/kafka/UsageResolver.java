package io.autotopup.balance.adapter.in.kafka;

import io.autotopup.events.UsageRecorded;
import io.autotopup.platform.streams.Routed;
import io.autotopup.schemas.Topics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/** Re-keys a usage event from its MSISDN to the subscriber registered with it, or rejects it. */
final class UsageResolver implements Processor<String, UsageRecorded, String, Routed<UsageRecorded>> {

    private ProcessorContext<String, Routed<UsageRecorded>> context;
    private TimestampedKeyValueStore<String, String> index;

    @Override
    public void init(ProcessorContext<String, Routed<UsageRecorded>> context) {
        this.context = context;
        this.index = context.getStateStore(BalanceTopology.SUBSCRIBER_INDEX_STORE);
    }

    @Override
    public void process(Record<String, UsageRecorded> record) {
        UsageRecorded usage = record.value();
        if (usage == null) {
            return;
        }
        String subscriberId = ValueAndTimestamp.getValueOrNull(index.get(usage.getMsisdn()));
        if (subscriberId == null) {
            context.forward(record.withValue(Routed.rejected(usage, Topics.USAGE_EVENTS.deadLetterTopic(),
                    "UNKNOWN_SUBSCRIBER", "No subscriber is registered with the MSISDN of usage event "
                            + usage.getCarrierId() + ":" + usage.getEventId())));
            return;
        }
        context.forward(record.withKey(subscriberId).withValue(Routed.accepted(usage)));
    }
}
