package io.autotopup.balance.adapter.out.metrics;

import io.autotopup.balance.adapter.in.kafka.LedgerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The ledger's counters in Micrometer: {@code autotopup.ledger.applied{reason}},
 * {@code autotopup.ledger.duplicates{kind}} (usage, top-up, adjustment, opening) and
 * {@code autotopup.ledger.refused{reason}} and {@code autotopup.ledger.dry-run} (replayed top-ups not credited).
 */
public final class MicrometerLedgerMetrics implements LedgerMetrics {

    private final MeterRegistry registry;

    public MicrometerLedgerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void applied(String reason) {
        registry.counter("autotopup.ledger.applied", "reason", reason).increment();
    }

    @Override
    public void duplicate(String kind) {
        registry.counter("autotopup.ledger.duplicates", "kind", kind).increment();
    }

    @Override
    public void refused(String reason) {
        registry.counter("autotopup.ledger.refused", "reason", reason).increment();
    }

    @Override
    public void dryRunIgnored() {
        registry.counter("autotopup.ledger.dry-run").increment();
    }
}
