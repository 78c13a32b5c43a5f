package io.autotopup.payment.adapter.out.kafka;

import static io.autotopup.schemas.Events.money;

import io.autotopup.events.ChargeAttemptResult;
import io.autotopup.events.PaymentRecorded;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpFailureReason;
import io.autotopup.events.TopUpRequested;
import io.autotopup.payment.domain.ChargeAttempt;
import io.autotopup.payment.domain.TopUpOutcome;
import io.autotopup.schemas.EventHeaders;
import io.autotopup.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes a request's outcome on {@code top-up-outcomes} and its record on {@code payments}. Called inside
 * the listener's Kafka transaction, so both and the consumed offset commit together: one outcome per
 * request, and a record that stops any later charge of it.
 */
public final class KafkaTopUpOutcomes {

    private final KafkaTemplate<String, SpecificRecord> template;

    public KafkaTopUpOutcomes(KafkaTemplate<String, SpecificRecord> template) {
        this.template = template;
    }

    /** How long the broker may take to take both records before the outcome counts as not written. */
    private static final java.time.Duration WRITE_TIMEOUT = java.time.Duration.ofSeconds(30);

    /**
     * Writes both records and waits until the broker has taken them, so that an outcome that cannot be written fails
     * here, with its request, rather than later at the commit (where it would be no one request's failure).
     */
    public void publish(TopUpRequested request, TopUpOutcome outcome) {
        Instant now = Instant.now();
        SpecificRecord event = toEvent(request, outcome, now);
        PaymentRecorded payment = record(request, outcome, now);
        java.util.concurrent.CompletableFuture<?> outcomeWritten = template.send(Topics.TOP_UP_OUTCOMES.name(),
                request.getSubscriberId(), event);
        java.util.concurrent.CompletableFuture<?> paymentWritten = template.send(Topics.PAYMENTS.name(), request.getRequestId(),
                payment);
        try {
            java.util.concurrent.CompletableFuture.allOf(outcomeWritten, paymentWritten)
                    .get(WRITE_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new org.apache.kafka.common.KafkaException("The outcome of top-up " + request.getRequestId()
                    + " was not written: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new org.apache.kafka.common.KafkaException("The outcome of top-up " + request.getRequestId()
                    + " was not written within " + WRITE_TIMEOUT, e);
        }
    }

    /**
     * Publishes what a replayed request would have come to, marked {@link EventHeaders#DRY_RUN} and carrying the
     * replay's origin; nothing goes to {@code payments}, since nothing was settled.
     */
    public void publishDryRun(TopUpRequested request, TopUpOutcome outcome, String replayedFrom) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(Topics.TOP_UP_OUTCOMES.name(),
                request.getSubscriberId(), toEvent(request, outcome, Instant.now()));
        record.headers().add(EventHeaders.DRY_RUN, "true".getBytes(StandardCharsets.UTF_8));
        if (replayedFrom != null) {
            record.headers().add(EventHeaders.REPLAYED_FROM, replayedFrom.getBytes(StandardCharsets.UTF_8));
        }
        template.send(record);
    }

    static SpecificRecord toEvent(TopUpRequested request, TopUpOutcome outcome, Instant now) {
        if (outcome instanceof TopUpOutcome.Completed completed) {
            return TopUpCompleted.newBuilder().setRequestId(request.getRequestId())
                    .setSubscriberId(request.getSubscriberId())
                    .setAmount(money(request.getAmount().getMinorUnits(), request.getAmount().getCurrency()))
                    .setPaymentMethodId(completed.paymentMethodId())
                    .setPaymentMethodLast4(completed.paymentMethodLast4())
                    .setPaymentReference(completed.paymentReference())
                    .setCompletedAt(now).build();
        }
        TopUpOutcome.Failed failed = (TopUpOutcome.Failed) outcome;
        return TopUpFailed.newBuilder().setRequestId(request.getRequestId())
                .setSubscriberId(request.getSubscriberId())
                .setAmount(money(request.getAmount().getMinorUnits(), request.getAmount().getCurrency()))
                .setPaymentMethodId(failed.paymentMethodId())
                .setReason(TopUpFailureReason.valueOf(failed.reason().name()))
                .setDetail(failed.detail())
                .setIsFinal(true)
                .setFailedAt(now).build();
    }

    static PaymentRecorded record(TopUpRequested request, TopUpOutcome outcome, Instant now) {
        return PaymentRecorded.newBuilder()
                .setRequestId(request.getRequestId())
                .setSubscriberId(request.getSubscriberId())
                .setAmount(money(request.getAmount().getMinorUnits(), request.getAmount().getCurrency()))
                .setAttempts(outcome.attempts().stream().map(KafkaTopUpOutcomes::attempt).toList())
                .setCompleted(outcome instanceof TopUpOutcome.Completed)
                .setFailureReason(outcome instanceof TopUpOutcome.Failed failed
                        ? TopUpFailureReason.valueOf(failed.reason().name()) : null)
                .setSettledAt(now)
                .build();
    }

    private static io.autotopup.events.ChargeAttempt attempt(ChargeAttempt attempt) {
        return io.autotopup.events.ChargeAttempt.newBuilder()
                .setPaymentMethodId(attempt.paymentMethodId())
                .setIdempotencyKey(attempt.idempotencyKey())
                .setResult(ChargeAttemptResult.valueOf(attempt.result().name()))
                .setPaymentReference(attempt.paymentReference())
                .setDetail(attempt.detail())
                .setAt(attempt.at())
                .build();
    }
}
