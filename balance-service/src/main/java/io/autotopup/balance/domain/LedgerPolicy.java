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
 */
public record LedgerPolicy(Map<String, Long> maxUsageCharge, Duration dedupeRetention) {

    public static final Duration DEFAULT_DEDUPE_RETENTION = Duration.ofDays(7);

    public long ceilingFor(String currency) {
        return maxUsageCharge.getOrDefault(currency, Long.MAX_VALUE);
    }
}
