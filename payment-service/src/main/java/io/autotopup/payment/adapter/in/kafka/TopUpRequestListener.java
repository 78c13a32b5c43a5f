package io.autotopup.payment.adapter.in.kafka;

import io.autotopup.events.TopUpRequested;
import io.autotopup.payment.adapter.out.kafka.KafkaTopUpOutcomes;
import io.autotopup.payment.adapter.out.kafka.KafkaTopUpRetries;
import io.autotopup.payment.application.ChargeTopUp.Decision;
import io.autotopup.payment.application.ChargeTopUp;
import io.autotopup.payment.domain.TopUpOutcome;
import io.autotopup.platform.kafka.TransactionalBatch;
import io.autotopup.schemas.EventHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Charges each top-up request inside the container's Kafka transaction, a poll's requests in one transaction
 * ({@link TransactionalBatch}); while the gateway gives no answer the request waits in the retry topics, tier by
 * tier, and fails for good after the last.
 */
public class TopUpRequestListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopUpRequestListener.class);

    static final String REQUESTS = "payment-service-top-up-requests";
    static final String RETRIES = "payment-service-top-up-retries";

    /** How long one transaction takes requests before it commits them: a slow gateway cannot stretch it further. */
    private static final Duration BATCH_BUDGET = Duration.ofSeconds(2);

    private final ChargeTopUp chargeTopUp;
    private final KafkaTopUpOutcomes outcomes;
    private final KafkaTopUpRetries retries;
    private final List<Duration> delays;
    private final Clock clock;
    private final MeterRegistry meters;
    private final boolean realEffectsOnReplay;
    private final TransactionalBatch<TopUpRequested> requestBatches;
    private final TransactionalBatch<TopUpRequested> retryBatches;
    private final ExecutorService gatewayCallers;
    private final int chargedAhead;
    /** Requests charged at the gateway whose outcome could not be written yet: held, never dead-lettered. */
    private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param chargesAtOnce       the gateway calls this instance may have in flight (the bulkhead's size): the
     *                            requests of a batch are charged side by side, up to two fewer than that
     * @param deadLetters         where a request goes that cannot be read or keeps failing
     * @param realEffectsOnReplay charge replayed requests for real ({@code autotopup.replay.real-effects}); by
     *                            default they are a dry run
     */
    public TopUpRequestListener(ChargeTopUp chargeTopUp, KafkaTopUpOutcomes outcomes, KafkaTopUpRetries retries,
            List<Duration> delays, Clock clock, MeterRegistry meters, boolean realEffectsOnReplay, int chargesAtOnce,
            ConsumerRecordRecoverer deadLetters, ObservationRegistry observations) {
        this.chargeTopUp = chargeTopUp;
        this.outcomes = outcomes;
        this.retries = retries;
        this.delays = delays;
        this.clock = clock;
        this.meters = meters;
        this.realEffectsOnReplay = realEffectsOnReplay;
        this.requestBatches = new TransactionalBatch<>(REQUESTS, (record, failure, waits) -> null, this::holdIfCharged,
                deadLetters, observations, 3, BATCH_BUDGET);
        this.retryBatches = new TransactionalBatch<>(RETRIES, this::untilDue, this::holdIfCharged, deadLetters, observations, 3,
                BATCH_BUDGET);
        meters.gauge("autotopup.topups.held", held, java.util.Set::size);
        this.chargedAhead = Math.max(1, chargesAtOnce - 2);
        AtomicInteger callers = new AtomicInteger();
        this.gatewayCallers = Executors.newFixedThreadPool(chargedAhead, work -> {
            Thread thread = new Thread(work, "gateway-charges-" + callers.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @KafkaListener(id = REQUESTS, topics = "#{T(io.autotopup.schemas.Topics).TOP_UP_REQUESTS.name()}")
    public void onTopUpRequests(List<ConsumerRecord<String, TopUpRequested>> records, Acknowledgment acknowledgment) {
        try (ChargesAhead charges = new ChargesAhead(records, this::chargedForReal, request -> decide(request, 0),
                gatewayCallers, chargedAhead)) {
            requestBatches.process(records, acknowledgment, record -> onTopUpRequested(record, charges));
        }
    }

    private void onTopUpRequested(ConsumerRecord<String, TopUpRequested> record, ChargesAhead charges) {
        if (!chargedForReal(record)) {
            byte[] replayedFrom = header(record, EventHeaders.REPLAYED_FROM);
            dryRun(record.value(), replayedFrom == null ? null : new String(replayedFrom, StandardCharsets.UTF_8));
            return;
        }
        settle(record.value(), charges.decide(record));
    }

    /** A request to charge for real: not a replay or a dry run, unless replays are to have real effects. */
    private boolean chargedForReal(ConsumerRecord<String, TopUpRequested> record) {
        return record.value() != null && (realEffectsOnReplay
                || header(record, EventHeaders.REPLAYED_FROM) == null && header(record, EventHeaders.DRY_RUN) == null);
    }

    private static byte[] header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : header.value();
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

    /** Deferred requests, each tried again once it is due; until then it and those behind it wait. */
    @KafkaListener(id = RETRIES, topics = "#{@paymentRetryTopics}", containerFactory = "retryContainerFactory")
    public void onRetries(List<ConsumerRecord<String, TopUpRequested>> records, Acknowledgment acknowledgment) {
        retryBatches.process(records, acknowledgment, this::onRetry);
    }

    private void onRetry(ConsumerRecord<String, TopUpRequested> record) {
        if (clock.millis() < due(record)) {
            throw new NotDueYetException();
        }
        settle(record.value(), decide(record.value(), KafkaTopUpRetries.tier(record.topic()) + 1));
    }

    /** A request that is not due yet is read again when it is due, in steps of at most 30 s, for as long as it takes. */
    private Duration untilDue(ConsumerRecord<String, TopUpRequested> record, RuntimeException failure, int waits) {
        if (!(failure instanceof NotDueYetException)) {
            return null;
        }
        return Duration.ofMillis(Math.max(100L, Math.min(due(record) - clock.millis(), 30_000L)));
    }

    private static long due(ConsumerRecord<?, ?> record) {
        byte[] due = header(record, KafkaTopUpRetries.DUE_HEADER);
        if (due == null) {
            throw new IllegalArgumentException("a deferred request without its " + KafkaTopUpRetries.DUE_HEADER + " header");
        }
        return KafkaTopUpRetries.due(due);
    }

    /** Charges, or finds the request settled before, or defers it; the gateway is called, Kafka is not written. */
    private Decision decide(TopUpRequested request, int retriesDone) {
        Timer.Sample charging = Timer.start(meters);
        Decision decision = chargeTopUp.chargeOrDefer(command(request), retriesDone, delays);
        // autotopup_charge_seconds{decision}: every gateway call of one request, retries and fallbacks included
        charging.stop(Timer.builder("autotopup.charge").tag("decision", decision.getClass().getSimpleName())
                .publishPercentileHistogram().register(meters));
        return decision;
    }

    /**
     * A request the gateway charged whose outcome could not be written (three tries, each rolled back) is held
     * instead of dead-lettered: it and the requests behind it wait, then it is charged again under the same key (the
     * gateway answers with the first charge) and its outcome written; the wait grows to a minute at most, for as long
     * as it takes. {@code autotopup_topups_held} counts the requests held now (alert on any); reconciliation credits
     * the charge meanwhile if an operator cannot mend the cause.
     */
    private Duration holdIfCharged(ConsumerRecord<String, TopUpRequested> record, RuntimeException failure, int holds) {
        ChargedNotRecordedException charged = charged(failure);
        if (charged == null) {
            return null;
        }
        if (held.add(charged.requestId())) {
            meters.counter("autotopup.topups.held.total").increment();
        }
        log.error("Top-up {} was charged ({}) but its outcome cannot be written; held, not dead-lettered (hold {})",
                charged.requestId(), charged.paymentReference(), holds + 1, failure);
        return Duration.ofSeconds(Math.min(60L, 1L << Math.min(holds, 6)));
    }

    private static ChargedNotRecordedException charged(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ChargedNotRecordedException charged) {
                return charged;
            }
        }
        return null;
    }

    /** Publishes what the decision came to, in the batch's transaction. */
    private void settle(TopUpRequested request, Decision decision) {
        if (decision instanceof Decision.Settle settle && settle.outcome() instanceof TopUpOutcome.Completed completed) {
            try {
                log.info("Top-up {} for subscriber {}: Completed after {} attempt(s)", request.getRequestId(),
                        request.getSubscriberId(), completed.attempts().size());
                outcomes.publish(request, completed);
            } catch (RuntimeException failure) {
                throw new ChargedNotRecordedException(request.getRequestId(), completed.paymentReference(), failure);
            }
            if (held.remove(request.getRequestId())) {
                log.info("Top-up {} was held and is now recorded as completed", request.getRequestId());
            }
            meters.counter("autotopup.topups", "outcome", "completed", "reason", "none").increment();
        } else if (decision instanceof Decision.Settle settle) {
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
            held.remove(request.getRequestId());
            log.info("Top-up {} was settled before; not charged again", request.getRequestId());
        }
    }

    @Override
    public void close() {
        gatewayCallers.shutdown();
    }

    /** The gateway charged the request, and its outcome could not be written: hold it, never dead-letter it. */
    public static final class ChargedNotRecordedException extends RuntimeException {
        private final String requestId;
        private final String paymentReference;

        ChargedNotRecordedException(String requestId, String paymentReference, Throwable cause) {
            super("Top-up " + requestId + " was charged (" + paymentReference + ") but its outcome could not be written: "
                    + cause, cause);
            this.requestId = requestId;
            this.paymentReference = paymentReference;
        }

        public String requestId() {
            return requestId;
        }

        public String paymentReference() {
            return paymentReference;
        }
    }

    /** The deferred request is not due yet: it is not committed, and it is read again when it is due. */
    public static final class NotDueYetException extends RuntimeException {
        public NotDueYetException() {
            super("not due yet", null, false, false);
        }
    }
}
