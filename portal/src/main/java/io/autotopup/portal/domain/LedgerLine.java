package io.autotopup.portal.domain;

import java.time.Instant;

/**
 * One entry of the balance's ledger.
 *
 * @param reason USAGE, TOP_UP, ADJUSTMENT or OPENING
 */
public record LedgerLine(long version, String reason, String description, Money amount, Money balanceAfter, Instant occurredAt) {
}
