package io.autotopup.payment.adapter.in.kafka;

import io.autotopup.events.TopUpRequested;
import io.autotopup.payment.adapter.out.kafka.KafkaTopUpOutcomes;
import io.autotopup.payment.application.ChargeTopUp;
import io.autotopup.payment.domain.TopUpOutcome;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/** Charges each top-up request inside the container's Kafka transaction. */
public class TopUpRequestListener {

    private static final Logger log = LoggerFactory.getLogger(TopUpRequestListener.class);

    private final ChargeTopUp chargeTopUp;
    private final KafkaTopUpOutcomes outcomes;

    public TopUpRequestListener(ChargeTopUp chargeTopUp, KafkaTopUpOutcomes outcomes) {
        this.chargeTopUp = chargeTopUp;
        this.outcomes = outcomes;
    }

    @KafkaListener(id = "payment-service-top-up-requests", topics = "#{T(io.autotopup.schemas.Topics).TOP_UP_REQUESTS.name()}")
    public void onTopUpRequested(TopUpRequested request) {
        Optional<TopUpOutcome> outcome = chargeTopUp.charge(new ChargeTopUp.Command(request.getRequestId(),
                request.getSubscriberId(), request.getAmount().getMinorUnits(), request.getAmount().getCurrency(),
                request.getPaymentMethodId()));
        if (outcome.isEmpty()) {
            log.info("Top-up {} was settled before; not charged again", request.getRequestId());
            return;
        }
        log.info("Top-up {} for subscriber {}: {} after {} attempt(s)", request.getRequestId(), request.getSubscriberId(),
                outcome.get().getClass().getSimpleName(), outcome.get().attempts().size());
        outcomes.publish(request, outcome.get());
    }
}
