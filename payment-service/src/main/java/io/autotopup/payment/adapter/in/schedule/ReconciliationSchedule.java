package io.autotopup.payment.adapter.in.schedule;

import io.autotopup.payment.application.PaymentGateway;
import io.autotopup.payment.application.ReconcilePayments;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs reconciliation every {@code every}, over the {@code window} that ends {@code settleFor} ago: a charge younger
 * than that may still be on its way to its outcome, and is left to the next run. The window overlaps the last run's
 * (25 hours every hour by default), so that a run missed while the instance was down is covered by the next; what
 * is found again is published again under the same discrepancy id.
 *
 * <p>Metrics: {@code autotopup_reconciliation_unresolved} (what the last run left for an operator: alert on any),
 * {@code autotopup_reconciliation_last_success_seconds} (alert when it is older than two periods),
 * {@code autotopup_reconciliation_discrepancies_total{kind,resolution}}.
 */
public final class ReconciliationSchedule implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReconciliationSchedule.class);

    private final ReconcilePayments reconcile;
    private final Clock clock;
    private final Duration every;
    private final Duration window;
    private final Duration settleFor;
    private final AtomicLong unresolved = new AtomicLong();
    private final AtomicLong lastSuccess = new AtomicLong();
    private ScheduledExecutorService scheduler;

    public ReconciliationSchedule(ReconcilePayments reconcile, Clock clock, MeterRegistry meters, Duration every,
            Duration window, Duration settleFor) {
        this.reconcile = reconcile;
        this.clock = clock;
        this.every = every;
        this.window = window;
        this.settleFor = settleFor;
        meters.gauge("autotopup.reconciliation.unresolved", unresolved);
        meters.gauge("autotopup.reconciliation.last.success.seconds", lastSuccess);
    }

    /** The scheduled run, now. */
    public ReconcilePayments.Report runNow() {
        Instant to = clock.instant().minus(settleFor);
        return run(to.minus(window), to);
    }

    public ReconcilePayments.Report run(Instant from, Instant to) {
        ReconcilePayments.Report report = reconcile.reconcile(from, to);
        unresolved.set(report.unresolved());
        lastSuccess.set(clock.instant().getEpochSecond());
        if (report.discrepancies().isEmpty()) {
            log.info("Reconciliation {} to {}: {} charges and {} outcomes agree", from, to, report.chargesCompared(),
                    report.outcomesCompared());
        } else {
            report.discrepancies().forEach(found -> log.warn("Reconciliation {} to {}: {} {} ({}): {}", from, to,
                    found.kind(), found.resolution(), found.requestId(), found.detail()));
        }
        return report;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(work -> {
            Thread thread = new Thread(work, "reconciliation");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::scheduled, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduled() {
        try {
            runNow();
        } catch (PaymentGateway.GatewayUnavailableException e) {
            log.warn("Reconciliation skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("Reconciliation failed", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
