package io.autotopup.notification.adapter.in.kafka;

import io.autotopup.events.SmsRequested;
import io.autotopup.events.SmsSent;
import io.autotopup.notification.adapter.out.kafka.KafkaDeliveryReports;
import io.autotopup.notification.application.SmsSender;
import io.autotopup.notification.domain.SmsTemplates;
import io.autotopup.platform.Msisdns;
import io.autotopup.platform.security.OneTimeCodes;
import io.autotopup.schemas.EventHeaders;
import io.autotopup.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.messaging.handler.annotation.Header;

/**
 * Submits each requested text to the SMS centre and records it as {@code SmsSent}, in the container's Kafka
 * transaction. The SMS centre is outside that transaction: a crash between its answer and the commit sends
 * the text again (at least once).
 */
public class SmsRequestListener {

    private static final Logger log = LoggerFactory.getLogger(SmsRequestListener.class);

    private final SmsSender sender;
    private final KafkaTemplate<String, SpecificRecord> notifications;
    private final OneTimeCodes codes;
    private final KafkaDeliveryReports deliveries;
    private final MeterRegistry meters;
    private final boolean realEffectsOnReplay;

    /**
     * @param realEffectsOnReplay text replayed requests for real ({@code autotopup.replay.real-effects}); by
     *                            default they are a dry run
     */
    public SmsRequestListener(SmsSender sender, KafkaTemplate<String, SpecificRecord> notifications, OneTimeCodes codes,
            KafkaDeliveryReports deliveries, MeterRegistry meters, boolean realEffectsOnReplay) {
        this.sender = sender;
        this.notifications = notifications;
        this.codes = codes;
        this.deliveries = deliveries;
        this.meters = meters;
        this.realEffectsOnReplay = realEffectsOnReplay;
    }

    @KafkaListener(id = "notification-service-sms", topics = "#{T(io.autotopup.schemas.Topics).NOTIFICATIONS.name()}")
    public void onNotification(SpecificRecord notification,
            @Header(name = EventHeaders.REPLAYED_FROM, required = false) byte[] replayedFrom,
            @Header(name = EventHeaders.DRY_RUN, required = false) byte[] dryRun) {
        if (notification instanceof SmsRequested sms && (replayedFrom != null || dryRun != null) && !realEffectsOnReplay) {
            // the SmsRequested record, with the replay's headers, is the record of what would have been texted
            log.info("Text {} to {} was caused by a replay ({}): dry run, not sent", sms.getSmsId(),
                    Msisdns.mask(sms.getMsisdn()), replayedFrom == null ? "dry run" : new String(replayedFrom, StandardCharsets.UTF_8));
            meters.counter("autotopup.sms.dry-run", "type", sms.getMessageType().name()).increment();
            return;
        }
        if (notification instanceof SmsRequested sms) {
            String text = sms.getSealedCode() == null ? sms.getText()
                    : SmsTemplates.withCode(sms.getText(), codes.open(sms.getSealedCode()));
            List<String> messageIds;
            try {
                messageIds = sender.send(sms.getMsisdn(), text);
            } catch (SmsSender.SmsNotSentException e) {
                meters.counter("autotopup.sms.send-failures").increment();
                throw e;
            }
            meters.counter("autotopup.sms.sent", "type", sms.getMessageType().name()).increment();
            deliveries.sent(sms.getSmsId(), sms.getSubscriberId(), messageIds);
            notifications.send(Topics.NOTIFICATIONS.name(), sms.getSubscriberId(), SmsSent.newBuilder()
                    .setSmsId(sms.getSmsId()).setSubscriberId(sms.getSubscriberId()).setSmscMessageIds(messageIds)
                    .setSentAt(Instant.now()).build());
        }
    }
}
