package io.autotopup.balance.domain;

/**
 * A subscriber's balance in minor units of the account currency, and how many changes made it.
 *
 * @param version 0 before the first change, then one more per applied change
 */
public record Balance(long minorUnits, String currency, long version) {

    public static Balance empty(String currency) {
        return new Balance(0, currency, 0);
    }
}
