package io.autotopup.rules.domain;

import java.util.Map;

/**
 * Limits the operator sets for every rule.
 *
 * @param ceiling                     the largest single top-up, per currency (minor units)
 * @param defaultLowBalanceThreshold  when a subscriber has no rule at all: below this a low-balance warning
 *                                    is sent, per currency (minor units); a currency missing here gets none
 * @param requireVerifiedIdentity     the carrier's choice: auto top-up may be set only once an identity document of
 *                                    the subscriber was approved
 */
public record RulePolicy(Map<String, Long> ceiling, Map<String, Long> defaultLowBalanceThreshold, boolean requireVerifiedIdentity) {

    public RulePolicy(Map<String, Long> ceiling, Map<String, Long> defaultLowBalanceThreshold) {
        this(ceiling, defaultLowBalanceThreshold, false);
    }

    public long ceilingFor(String currency) {
        return ceiling.getOrDefault(currency, Long.MAX_VALUE);
    }
}
