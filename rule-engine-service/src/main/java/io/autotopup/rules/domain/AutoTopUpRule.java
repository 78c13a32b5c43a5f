package io.autotopup.rules.domain;

import java.time.ZoneId;

/**
 * "When my balance drops below {@code threshold}, top up": a fixed amount (FIXED) or up to a target balance
 * (TARGET), at most {@code maxTopUpsPerDay} times a day and {@code maxAmountPerMonth} a month, days and
 * months counted in {@code timeZone}. Amounts are minor units of the account currency.
 *
 * @param paymentMethodId   null: the subscriber's default method
 * @param targetBalance     TARGET mode only
 * @param maxAmountPerMonth null: no monthly limit
 * @param enabled           false: paused by the subscriber
 */
public record AutoTopUpRule(long threshold, Mode mode, long topUpAmount, Long targetBalance, String currency,
        String paymentMethodId, int maxTopUpsPerDay, Long maxAmountPerMonth, ZoneId timeZone, boolean enabled) {

    public static final ZoneId DEFAULT_TIME_ZONE = ZoneId.of("Asia/Vientiane");
    public static final int DEFAULT_MAX_TOP_UPS_PER_DAY = 3;

    public enum Mode { FIXED, TARGET }

    /** A FIXED rule with the default caps: the shape of the first version of the rule. */
    public static AutoTopUpRule fixed(long threshold, long topUpAmount, String currency, String paymentMethodId) {
        return new AutoTopUpRule(threshold, Mode.FIXED, topUpAmount, null, currency, paymentMethodId,
                DEFAULT_MAX_TOP_UPS_PER_DAY, null, DEFAULT_TIME_ZONE, true);
    }

    /** The amount to charge when the balance, with what is on its way, is {@code effectiveBalance}. */
    public long amountFor(long effectiveBalance) {
        return mode == Mode.FIXED ? topUpAmount : targetBalance - effectiveBalance;
    }

    public AutoTopUpRule withEnabled(boolean enabled) {
        return new AutoTopUpRule(threshold, mode, topUpAmount, targetBalance, currency, paymentMethodId, maxTopUpsPerDay,
                maxAmountPerMonth, timeZone, enabled);
    }
}
