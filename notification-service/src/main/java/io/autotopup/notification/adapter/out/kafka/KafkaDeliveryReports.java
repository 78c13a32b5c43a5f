package io.autotopup.notification.adapter.out.kafka;

import io.autotopup.events.SmsDeliveryReported;
import io.autotopup.events.SmsDeliveryStatus;
import io.autotopup.notification.adapter.out.smpp.SmppSmsSender;
import io.autotopup.schemas.Topics;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Records delivery receipts on {@code notifications} as {@code SmsDeliveryReported}, matched to the text they
 * belong to by the SMS centre's message ids of the texts sent recently (the last 100,000 segments); a
 * receipt for an older text, or one sent before a restart, is recorded under its message id alone.
 */
public final class KafkaDeliveryReports implements SmppSmsSender.DeliveryReports {

    private static final int REMEMBERED = 100_000;

    private final KafkaTemplate<String, SpecificRecord> notifications;
    private final Map<String, Sent> sent = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Sent> eldest) {
            return size() > REMEMBERED;
        }
    });

    private record Sent(String smsId, String subscriberId) {
    }

    public KafkaDeliveryReports(KafkaTemplate<String, SpecificRecord> notifications) {
        this.notifications = notifications;
    }

    /** The SMS centre took a text in these segments. */
    public void sent(String smsId, String subscriberId, List<String> smscMessageIds) {
        smscMessageIds.forEach(id -> sent.put(id, new Sent(smsId, subscriberId)));
    }

    @Override
    public void delivered(String smscMessageId, String status) {
        Sent text = sent.remove(smscMessageId);
        notifications.send(Topics.NOTIFICATIONS.name(), text == null ? smscMessageId : text.subscriberId(),
                SmsDeliveryReported.newBuilder().setSmscMessageId(smscMessageId)
                        .setSmsId(text == null ? null : text.smsId())
                        .setSubscriberId(text == null ? null : text.subscriberId())
                        .setStatus(SmsDeliveryStatus.valueOf(status))
                        .setReportedAt(Instant.now()).build());
    }
}
