package io.autotopup.balance.adapter.in.kafka;

/** What the ledger counts, for operators: applied changes, duplicates skipped, inputs refused and why. */
public interface LedgerMetrics {

    void applied(String reason);

    void duplicate(String kind);

    void refused(String reason);

    /** A top-up outcome of a replay (dry run) was seen, and no money credited. */
    default void dryRunIgnored() {
    }

    LedgerMetrics NONE = new LedgerMetrics() {
        @Override
        public void applied(String reason) {
        }

        @Override
        public void duplicate(String kind) {
        }

        @Override
        public void refused(String reason) {
        }
    };
}
