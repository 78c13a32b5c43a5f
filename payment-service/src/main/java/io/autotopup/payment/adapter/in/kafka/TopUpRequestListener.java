package io.autotopup.payment.adapter.in.kafka;

import io.autotopup.events.TopUpRequested;
import io.autotopup.payment.adapter.out.kafka.KafkaTopUpOutcomes;
import io.autotopup.payment.adapter.out.kafka.KafkaTopUpRetries;
import io.autotopup.payment.application.ChargeTopUp;
import io.autotopup.payment.application.ChargeTopUp.Decision;
import io.autotopup.payment.domain.TopUpOutcome;
import io.autotopup.schemas.EventHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;

/**
 * Charges each top-up request inside the container's Kafka transaction; while the gateway gives no answer
 * the request waits in the retry topics, tier by tier, and fails for good after the last.
 */
public class TopUpRequestListener {

    private static final Logger log = LoggerFactory.getLogger(TopUpRequestListener.class);

    private final ChargeTopUp chargeTopUp;
    private final KafkaTopUpOutcomes outcomes;
    private final KafkaTopUpRetries retries;
    private final List<Duration> delays;
    private final Clock clock;
    private final MeterRegistry meters;
    private final boolean realEffectsOnReplay;

    /**
     * @param realEffectsOnReplay charge replayed requests for real ({@code autotopup.replay.real-effects}); by
     *                            default they are a dry run
     */
    public TopUpRequestListener(ChargeTopUp chargeTopUp, KafkaTopUpOutcomes outcomes, KafkaTopUpRetries retries,
            List<Duration> delays, Clock clock, MeterRegistry meters, boolean realEffectsOnReplay) {
        this.chargeTopUp = chargeTopUp;
        this.outcomes = outcomes;
        this.retries = retries;
        this.delays = delays;
        this.clock = clock;
        this.meters = meters;
        this.realEffectsOnReplay = realEffectsOnReplay;
    }

    @KafkaListener(id = "payment-service-top-up-requests", topics = "#{T(io.autotopup.schemas.Topics).TOP_UP_REQUESTS.name()}")
    public void onTopUpRequested(TopUpRequested request,
            @Header(name = EventHeaders.REPLAYED_FROM, required = false) byte[] replayedFrom,
            @Header(name = EventHeaders.DRY_RUN, required = false) byte[] dryRun) {
        if ((replayedFrom != null || dryRun != null) && !realEffectsOnReplay) {
            dryRun(request, replayedFrom == null ? null : new String(replayedFrom, StandardCharsets.UTF_8));
            return;
        }
        settle(request, 0);
    }

    /** A replayed request: decide which method would be charged, publish that as a dry run, charge nothing. */
    private void dryRun(TopUpRequested request, String replayedFrom) {
        chargeTopUp.wouldCharge(command(request)).ifPresentOrElse(outcome -> {
            log.info("Top-up {} is a replay of {}: dry run, nothing charged ({})", request.getRequestId(), replayedFrom,
                    outcome.getClass().getSimpleName());
            outcomes.publishDryRun(request, outcome, replayedFrom);
            meters.counter("autotopup.topups.dry-run").increment();
        }, () -> log.info("Top-up {} (a replay of {}) was settled before; nothing to do", request.getRequestId(), replayedFrom));
    }

    private static ChargeTopUp.Command command(TopUpRequested request) {
        return new ChargeTopUp.Command(request.getRequestId(), request.getSubscriberId(), request.getAmount().getMinorUnits(),
                request.getAmount().getCurrency(), request.getPaymentMethodId());
    }

    /** A deferred request, tried again once it is due; until then it is handed back (see {@link NotDueYetException}). */
    @KafkaListener(id = "payment-service-top-up-retries", topics = "#{@paymentRetryTopics}",
            containerFactory = "retryContainerFactory")
    public void onRetry(TopUpRequested request, @Header(KafkaHeaders.RECEIVED_TOPIC) String topic,
            @Header(KafkaTopUpRetries.DUE_HEADER) byte[] due) {
        if (clock.millis() < KafkaTopUpRetries.due(due)) {
            throw new NotDueYetException();
        }
        settle(request, KafkaTopUpRetries.tier(topic) + 1);
    }

    private void settle(TopUpRequested request, int retriesDone) {
        Timer.Sample charging = Timer.start(meters);
        Decision decision = chargeTopUp.chargeOrDefer(command(request), retriesDone, delays);
        // autotopup_charge_seconds{decision}: every gateway call of one request, retries and fallbacks included
        charging.stop(Timer.builder("autotopup.charge").tag("decision", decision.getClass().getSimpleName())
                .publishPercentileHistogram().register(meters));
        if (decision instanceof Decision.Settle settle) {
            log.info("Top-up {} for subscriber {}: {} after {} attempt(s)", request.getRequestId(), request.getSubscriberId(),
                    settle.outcome().getClass().getSimpleName(), settle.outcome().attempts().size());
            outcomes.publish(request, settle.outcome());
            String reason = settle.outcome() instanceof TopUpOutcome.Failed failed ? failed.reason().name() : "none";
            meters.counter("autotopup.topups", "outcome", "none".equals(reason) ? "completed" : "failed", "reason", reason)
                    .increment();
        } else if (decision instanceof Decision.RetryLater later) {
            log.info("Top-up {}: the gateway gave no answer; waiting in retry tier {} until {}", request.getRequestId(),
                    later.tier(), later.due());
            retries.defer(request, later.tier(), later.due());
            meters.counter("autotopup.topups.deferred", "tier", Integer.toString(later.tier())).increment();
        } else {
            log.info("Top-up {} was settled before; not charged again", request.getRequestId());
        }
    }

    /** The deferred request is not due yet: the transaction rolls back and the record is read again shortly. */
    public static final class NotDueYetException extends RuntimeException {
        public NotDueYetException() {
            super("not due yet", null, false, false);
        }
    }
}
