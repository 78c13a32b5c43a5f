package io.autotopup.notification.adapter.in.kafka;

import io.autotopup.events.AutoTopUpDisabled;
import io.autotopup.events.IdentityDocumentReviewed;
import io.autotopup.events.ReviewDecision;
import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.Language;
import io.autotopup.events.LowBalanceWarning;
import io.autotopup.events.SkipReason;
import io.autotopup.events.SmsMessageType;
import io.autotopup.events.SmsRequested;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.SubscriberUpdated;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpSkipped;
import io.autotopup.events.VerificationCodeIssued;
import io.autotopup.notification.domain.QuietHours;
import io.autotopup.notification.domain.SmsTemplates;
import io.autotopup.platform.streams.Routed;
import io.autotopup.schemas.EventHeaders;
import io.autotopup.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Maps events to texts through {@link SmsTemplates}; remembers what it texted. */
final class NotificationProcessor implements Processor<String, SpecificRecord, String, Routed<SpecificRecord>> {

    private ProcessorContext<String, Routed<SpecificRecord>> context;
    private KeyValueStore<String, SpecificRecord> subscribers;
    private KeyValueStore<String, Long> texted;
    private KeyValueStore<String, String> cards;
    private KeyValueStore<String, SpecificRecord> held;
    private final QuietHours quietHours;

    NotificationProcessor(QuietHours quietHours) {
        this.quietHours = quietHours;
    }

    @Override
    public void init(ProcessorContext<String, Routed<SpecificRecord>> context) {
        this.context = context;
        this.subscribers = context.getStateStore(NotificationTopology.SUBSCRIBERS_STORE);
        this.texted = context.getStateStore(NotificationTopology.TEXTED_STORE);
        this.cards = context.getStateStore(NotificationTopology.CARDS_STORE);
        this.held = context.getStateStore(NotificationTopology.HELD_STORE);
        context.schedule(java.time.Duration.ofMinutes(1), org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
                this::releaseHeld);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        SpecificRecord value = record.value();
        if (value instanceof VerificationCodeIssued issued) {
            textCode(record, issued);
        } else if (value instanceof SubscriberRegistered || value instanceof SubscriberUpdated) {
            subscribers.put(record.key(), value);
        } else if (value instanceof TopUpCompleted completed && completed.getPaymentMethodLast4() != null) {
            cards.put(completed.getRequestId(), completed.getPaymentMethodLast4());
        } else if (value instanceof BalanceChanged change && change.getReason() == BalanceChangeReason.TOP_UP) {
            String card = cards.get(change.getCausationId());
            text(record, "balance:" + change.getEventId(), SmsMessageType.TOP_UP_SUCCEEDED, language -> SmsTemplates.topUpSucceeded(
                    language, change.getDelta().getMinorUnits(), change.getNewBalance().getMinorUnits(),
                    change.getNewBalance().getCurrency(), card));
            if (card != null) {
                cards.delete(change.getCausationId());
            }
        } else if (value instanceof TopUpFailed failed && failed.getIsFinal()) {
            text(record, "failed:" + failed.getRequestId(), SmsMessageType.TOP_UP_FAILED, language -> SmsTemplates.topUpFailed(
                    language, failed.getAmount().getMinorUnits(), failed.getAmount().getCurrency(), failed.getReason().name()));
        } else if (value instanceof TopUpSkipped skipped) {
            text(record, "skipped:" + skipped.getReason() + ":" + skipped.getTriggeringEventId(), SmsMessageType.LIMIT_REACHED,
                    language -> SmsTemplates.limitReached(language, skipped.getReason() == SkipReason.MONTHLY_CAP,
                            skipped.getBalance().getMinorUnits(), skipped.getBalance().getCurrency()));
        } else if (value instanceof AutoTopUpDisabled disabled) {
            text(record, "disabled:" + record.key() + ":" + disabled.getDisabledAt().toEpochMilli(),
                    SmsMessageType.AUTO_TOP_UP_DISABLED, language -> SmsTemplates.autoTopUpDisabled(language,
                            disabled.getConsecutiveFailures(), disabled.getLastFailureReason()));
        } else if (value instanceof IdentityDocumentReviewed reviewed) {
            text(record, "identity:" + reviewed.getDocumentId(), SmsMessageType.OTHER, language -> SmsTemplates.identityReviewed(
                    language, reviewed.getDecision() == ReviewDecision.APPROVED,
                    reviewed.getRejectionReason() == null ? null : reviewed.getRejectionReason().name()));
        } else if (value instanceof LowBalanceWarning warning) {
            text(record, "low-balance:" + warning.getTriggeringEventId(), SmsMessageType.LOW_BALANCE,
                    language -> SmsTemplates.lowBalance(language, warning.getBalance().getMinorUnits(),
                            warning.getBalance().getCurrency()), false);
        }
    }

    /** The code's text carries the sealed code and a placeholder; the sender opens the seal at the last moment. */
    private void textCode(Record<String, SpecificRecord> record, VerificationCodeIssued issued) {
        String sourceEventId = "code:" + issued.getSubscriberId() + ":" + issued.getIssuedAt().toEpochMilli();
        if (texted.get(sourceEventId) != null) {
            return;
        }
        long minutes = java.time.Duration.between(issued.getIssuedAt(), issued.getExpiresAt()).toMinutes();
        texted.put(sourceEventId, record.timestamp());
        context.forward(record.withValue(Routed.accepted(SmsRequested.newBuilder()
                .setSmsId(UUID.nameUUIDFromBytes(("sms:" + sourceEventId).getBytes(StandardCharsets.UTF_8)).toString())
                .setSubscriberId(record.key())
                .setMsisdn(issued.getMsisdn())
                .setLanguage(issued.getLanguage())
                .setMessageType(SmsMessageType.ONE_TIME_CODE)
                .setText(SmsTemplates.oneTimeCode(issued.getLanguage().name().toLowerCase(Locale.ROOT), minutes))
                .setSealedCode(issued.getSealedCode())
                .setSourceEventId(sourceEventId)
                .setRequestedAt(Instant.ofEpochMilli(record.timestamp()))
                .build())));
    }

    private void text(Record<String, SpecificRecord> record, String sourceEventId, SmsMessageType type,
            java.util.function.Function<String, String> render) {
        text(record, sourceEventId, type, render, true);
    }

    /** Urgent texts go at once; the others wait out the quiet hours in the held store. */
    private void text(Record<String, SpecificRecord> record, String sourceEventId, SmsMessageType type,
            java.util.function.Function<String, String> render, boolean urgent) {
        if (texted.get(sourceEventId) != null) {
            return;
        }
        SpecificRecord subscriber = subscribers.get(record.key());
        if (subscriber == null) {
            String deadLetterTopic = record.value() instanceof BalanceChanged ? Topics.BALANCE_CHANGES.deadLetterTopic()
                    : record.value() instanceof TopUpFailed ? Topics.TOP_UP_OUTCOMES.deadLetterTopic()
                    : record.value() instanceof IdentityDocumentReviewed ? Topics.IDENTITY_DOCUMENTS.deadLetterTopic()
                    : Topics.AUTO_TOP_UP_NOTICES.deadLetterTopic();
            context.forward(record.withValue(Routed.rejected(record.value(), deadLetterTopic, "UNKNOWN_SUBSCRIBER",
                    "notification-service has no subscriber " + record.key() + " to text")));
            return;
        }
        String msisdn = subscriber instanceof SubscriberRegistered registered ? registered.getMsisdn()
                : ((SubscriberUpdated) subscriber).getMsisdn();
        Language language = subscriber instanceof SubscriberRegistered registered ? registered.getLanguage()
                : ((SubscriberUpdated) subscriber).getLanguage();
        SmsRequested sms = SmsRequested.newBuilder()
                .setSmsId(UUID.nameUUIDFromBytes(("sms:" + sourceEventId).getBytes(StandardCharsets.UTF_8)).toString())
                .setSubscriberId(record.key())
                .setMsisdn(msisdn)
                .setLanguage(language)
                .setMessageType(type)
                .setText(render.apply(language.name().toLowerCase(Locale.ROOT)))
                .setSourceEventId(sourceEventId)
                .setRequestedAt(Instant.ofEpochMilli(record.timestamp()))
                .build();
        texted.put(sourceEventId, record.timestamp());
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        // a replay's text is never sent (dry run), so it is not held either: held texts lose the replay's headers
        Instant from = urgent || EventHeaders.isReplay(record.headers()) ? now : quietHours.sendableFrom(now);
        if (from.isAfter(now)) {
            held.put(String.format("%019d|%s", from.toEpochMilli(), sms.getSmsId()), sms);
            return;
        }
        context.forward(record.withValue(Routed.accepted(sms)));
    }

    /** Sends what waited out the quiet hours, once they are over. */
    private void releaseHeld(long now) {
        java.util.List<org.apache.kafka.streams.KeyValue<String, SpecificRecord>> due = new java.util.ArrayList<>();
        try (org.apache.kafka.streams.state.KeyValueIterator<String, SpecificRecord> waiting = held.all()) {
            while (waiting.hasNext()) {
                org.apache.kafka.streams.KeyValue<String, SpecificRecord> entry = waiting.next();
                if (Long.parseLong(entry.key.substring(0, entry.key.indexOf('|'))) > now) {
                    break;
                }
                due.add(entry);
            }
        }
        for (org.apache.kafka.streams.KeyValue<String, SpecificRecord> entry : due) {
            held.delete(entry.key);
            SmsRequested sms = (SmsRequested) entry.value;
            context.forward(new Record<>(sms.getSubscriberId(), Routed.accepted(entry.value), now));
        }
    }
}
