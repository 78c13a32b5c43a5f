package io.autotopup.balance.domain;

import java.time.Duration;
import java.util.Map;

/**
 * Limits the operator sets for the ledger.
 *
 * @param maxUsageCharge   the largest believable single usage charge per currency (minor units); above it a
 *                         charge is refused as absurd; a currency missing here has no ceiling
 * @param dedupeRetention  how long applied usage event ids are remembered; usage older than this (by its
 *                         time, against the stream's time) is refused as stale, since it could no longer be
 *                         told from a duplicate
 * @param historyKept      how many of a subscriber's newest ledger entries the history keeps; each entry beyond
 *                         that drops the oldest, so a subscriber's history costs a bounded amount of storage
 */
public record LedgerPolicy(Map<String, Long> maxUsageCharge, Duration dedupeRetention, int historyKept) {

    public static final Duration DEFAULT_DEDUPE_RETENTION = Duration.ofDays(7);
    public static final int DEFAULT_HISTORY_KEPT = 1_000;

    public LedgerPolicy {
        if (historyKept < 1) {
            throw new IllegalArgumentException("the history must keep at least one entry, not " + historyKept);
        }
    }

    public LedgerPolicy(Map<String, Long> maxUsageCharge, Duration dedupeRetention) {
        this(maxUsageCharge, dedupeRetention, DEFAULT_HISTORY_KEPT);
    }

    public long ceilingFor(String currency) {
        return maxUsageCharge.getOrDefault(currency, Long.MAX_VALUE);
    }
}
