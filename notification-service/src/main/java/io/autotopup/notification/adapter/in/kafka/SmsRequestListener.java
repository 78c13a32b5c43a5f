package io.autotopup.notification.adapter.in.kafka;

import io.autotopup.events.SmsRequested;
import io.autotopup.events.SmsSent;
import io.autotopup.notification.adapter.out.kafka.KafkaDeliveryReports;
import io.autotopup.notification.application.SmsSender;
import io.autotopup.notification.domain.SmsTemplates;
import io.autotopup.platform.Msisdns;
import io.autotopup.platform.kafka.TransactionalBatch;
import io.autotopup.platform.security.OneTimeCodes;
import io.autotopup.schemas.EventHeaders;
import io.autotopup.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Submits each requested text to the SMS centre and records it as {@code SmsSent}, in the container's Kafka
 * transaction, a poll's records in one transaction ({@link TransactionalBatch}). The SMS centre is outside that
 * transaction: a crash between its answer and the commit sends the text again (at least once). While the SMS
 * centre does not take a text, the texts before it commit and it is tried again (1 s, doubling, at most 30 s
 * between tries) for as long as it takes: nothing is dropped, and the texts behind it wait, as they would have to
 * anyway.
 */
public class SmsRequestListener {

    private static final Logger log = LoggerFactory.getLogger(SmsRequestListener.class);

    static final String ID = "notification-service-sms";

    /**
     * How long one transaction takes texts before it commits them. A crash before the commit sends its texts again,
     * so this bounds the duplicates a crash causes: at the SMS centre's 50 segments a second, about a dozen.
     */
    private static final Duration BATCH_BUDGET = Duration.ofMillis(250);

    private final SmsSender sender;
    private final KafkaTemplate<String, SpecificRecord> notifications;
    private final OneTimeCodes codes;
    private final KafkaDeliveryReports deliveries;
    private final MeterRegistry meters;
    private final boolean realEffectsOnReplay;
    private final TransactionalBatch<SpecificRecord> batches;

    /**
     * @param deadLetters         where a record goes that cannot be read or keeps failing
     * @param realEffectsOnReplay text replayed requests for real ({@code autotopup.replay.real-effects}); by
     *                            default they are a dry run
     */
    public SmsRequestListener(SmsSender sender, KafkaTemplate<String, SpecificRecord> notifications, OneTimeCodes codes,
            KafkaDeliveryReports deliveries, MeterRegistry meters, boolean realEffectsOnReplay,
            ConsumerRecordRecoverer deadLetters, ObservationRegistry observations) {
        this.sender = sender;
        this.notifications = notifications;
        this.codes = codes;
        this.deliveries = deliveries;
        this.meters = meters;
        this.realEffectsOnReplay = realEffectsOnReplay;
        this.batches = new TransactionalBatch<>(ID, SmsRequestListener::untilTheSmsCentreTakesIt,
                deadLetters, observations, 3, BATCH_BUDGET);
    }

    @KafkaListener(id = ID, topics = "#{T(io.autotopup.schemas.Topics).NOTIFICATIONS.name()}")
    public void onNotifications(List<ConsumerRecord<String, SpecificRecord>> records, Acknowledgment acknowledgment) {
        batches.process(records, acknowledgment, this::onNotification);
    }

    private static Duration untilTheSmsCentreTakesIt(ConsumerRecord<String, SpecificRecord> record, RuntimeException failure,
            int waits) {
        if (!(failure instanceof SmsSender.SmsNotSentException)) {
            return null;
        }
        return Duration.ofMillis(Math.min(30_000L, 1_000L << Math.min(waits, 5)));
    }

    private void onNotification(ConsumerRecord<String, SpecificRecord> record) {
        SpecificRecord notification = record.value();
        Header replayedFromHeader = record.headers().lastHeader(EventHeaders.REPLAYED_FROM);
        byte[] replayedFrom = replayedFromHeader == null ? null : replayedFromHeader.value();
        Header dryRun = record.headers().lastHeader(EventHeaders.DRY_RUN);
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
