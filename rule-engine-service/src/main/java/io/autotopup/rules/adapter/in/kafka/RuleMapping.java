package io.autotopup.rules.adapter.in.kafka;

import io.autotopup.events.AutoTopUpRuleSet;
import io.autotopup.rules.domain.AutoTopUpRule;

/** Between the rule event and the domain's rule. */
public final class RuleMapping {

    private RuleMapping() {
    }

    public static AutoTopUpRule toDomain(AutoTopUpRuleSet event) {
        if (event == null) {
            return null;
        }
        return new AutoTopUpRule(event.getThreshold().getMinorUnits(), event.getTopUpAmount().getMinorUnits(),
                event.getThreshold().getCurrency(), event.getPaymentMethodId(), event.getEnabled());
    }
}
