package io.autotopup.notification.adapter.in.kafka;

import io.autotopup.events.SmsDeliveryReported;
import io.autotopup.events.SmsRequested;
import io.autotopup.events.SmsSent;
import io.autotopup.notification.domain.SmsHistory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps each subscriber's {@link SmsHistory} from what the notifications topic says was requested, sent and delivered. */
final class SmsHistoryProcessor implements Processor<String, SpecificRecord, Void, Void> {

    private KeyValueStore<String, SmsHistory> histories;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.histories = context.getStateStore(NotificationTopology.HISTORY_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        SpecificRecord value = record.value();
        String subscriberId = value instanceof SmsDeliveryReported report ? report.getSubscriberId() : record.key();
        if (subscriberId == null) {
            return;
        }
        SmsHistory history = histories.get(subscriberId);
        history = history == null ? new SmsHistory() : history;
        if (value instanceof SmsRequested sms) {
            history.requested(sms.getSmsId(), sms.getMessageType().name(), sms.getLanguage().name().toLowerCase(java.util.Locale.ROOT),
                    sms.getText(), sms.getRequestedAt().toEpochMilli());
        } else if (value instanceof SmsSent sent) {
            history.sent(sent.getSmsId(), sent.getSmscMessageIds().size());
        } else if (value instanceof SmsDeliveryReported report && report.getSmsId() != null) {
            history.delivered(report.getSmsId(), report.getStatus().name());
        } else {
            return;
        }
        histories.put(subscriberId, history);
    }
}
