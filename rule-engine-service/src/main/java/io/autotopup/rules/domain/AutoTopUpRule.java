package io.autotopup.rules.domain;

/**
 * "When my balance drops below {@code threshold}, charge {@code topUpAmount}", in minor units of the
 * account currency.
 *
 * @param paymentMethodId null: the subscriber's default method
 * @param enabled         false: paused by the subscriber
 */
public record AutoTopUpRule(long threshold, long topUpAmount, String currency, String paymentMethodId, boolean enabled) {
}
