package io.autotopup.payment.adapter.out.kafka;

import static io.autotopup.schemas.Events.money;

import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpFailureReason;
import io.autotopup.events.TopUpRequested;
import io.autotopup.payment.domain.TopUpOutcome;
import io.autotopup.schemas.Topics;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes a request's outcome on {@code top-up-outcomes}. Called inside the listener's Kafka transaction,
 * so the outcome and the consumed offset commit together: one outcome per request.
 */
public final class KafkaTopUpOutcomes {

    private final KafkaTemplate<String, SpecificRecord> outcomes;

    public KafkaTopUpOutcomes(KafkaTemplate<String, SpecificRecord> outcomes) {
        this.outcomes = outcomes;
    }

    public void publish(TopUpRequested request, TopUpOutcome outcome) {
        outcomes.send(Topics.TOP_UP_OUTCOMES.name(), request.getSubscriberId(), toEvent(request, outcome));
    }

    static SpecificRecord toEvent(TopUpRequested request, TopUpOutcome outcome) {
        if (outcome instanceof TopUpOutcome.Completed completed) {
            return TopUpCompleted.newBuilder().setRequestId(request.getRequestId())
                    .setSubscriberId(request.getSubscriberId())
                    .setAmount(money(request.getAmount().getMinorUnits(), request.getAmount().getCurrency()))
                    .setPaymentMethodId(completed.paymentMethodId())
                    .setPaymentReference(completed.paymentReference())
                    .setCompletedAt(Instant.now()).build();
        }
        TopUpOutcome.Failed failed = (TopUpOutcome.Failed) outcome;
        return TopUpFailed.newBuilder().setRequestId(request.getRequestId())
                .setSubscriberId(request.getSubscriberId())
                .setAmount(money(request.getAmount().getMinorUnits(), request.getAmount().getCurrency()))
                .setPaymentMethodId(failed.paymentMethodId())
                .setReason(TopUpFailureReason.valueOf(failed.reason().name()))
                .setDetail(failed.detail())
                .setIsFinal(true)
                .setFailedAt(Instant.now()).build();
    }
}
