package io.autotopup.portal.domain;

/**
 * The rule as the subscriber typed it in the form: amounts as written, checked by the rule engine, whose errors name
 * the field they belong to.
 */
public record RuleChange(String threshold, AutoTopUp.Mode mode, String topUpAmount, String targetBalance, String paymentMethodId,
        String maxTopUpsPerDay, String maxAmountPerMonth) {
}
