package io.autotopup.balance.adapter.out.metrics;

import io.autotopup.balance.adapter.in.kafka.LedgerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ledger's counters in Micrometer: {@code autotopup.ledger.applied{reason}},
 * {@code autotopup.ledger.duplicates{kind}} (usage, top-up, adjustment, opening) and
 * {@code autotopup.ledger.refused{reason}} and {@code autotopup.ledger.dry-run} (replayed top-ups not credited).
 * Each counter is looked up in the registry once and kept: the ledger counts every event it applies, and a registry
 * look-up (tags, id, map) per event was a cost of its own.
 */
public final class MicrometerLedgerMetrics implements LedgerMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> applied = new ConcurrentHashMap<>();
    private final Map<String, Counter> duplicates = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Counter dryRun;

    public MicrometerLedgerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.dryRun = registry.counter("autotopup.ledger.dry-run");
    }

    @Override
    public void applied(String reason) {
        applied.computeIfAbsent(reason, tag -> registry.counter("autotopup.ledger.applied", "reason", tag)).increment();
    }

    @Override
    public void duplicate(String kind) {
        duplicates.computeIfAbsent(kind, tag -> registry.counter("autotopup.ledger.duplicates", "kind", tag)).increment();
    }

    @Override
    public void refused(String reason) {
        refused.computeIfAbsent(reason, tag -> registry.counter("autotopup.ledger.refused", "reason", tag)).increment();
    }

    @Override
    public void dryRunIgnored() {
        dryRun.increment();
    }
}
