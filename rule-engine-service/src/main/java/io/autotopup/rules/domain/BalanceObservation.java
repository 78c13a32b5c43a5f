package io.autotopup.rules.domain;

/** What the engine reads from a balance change. */
public record BalanceObservation(String eventId, long newBalance, String currency, boolean topUpCredit,
        String causationId, long version) {
}
