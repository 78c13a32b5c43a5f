package io.autotopup.payment.application;

import java.time.Instant;
import java.util.List;

/** The requests settled in a window, as this service recorded them: what reconciliation compares with the gateway. */
public interface RecordedPayments {

    /** Every request settled from {@code from} (inclusive) to {@code to} (exclusive). */
    List<SettledPayments.Settled> settledBetween(Instant from, Instant to);
}
