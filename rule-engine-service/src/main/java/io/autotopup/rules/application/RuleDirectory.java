package io.autotopup.rules.application;

import io.autotopup.rules.domain.AutoTopUpRule;
import io.autotopup.rules.domain.TopUpState;
import java.util.Optional;

/** Read side of the rule engine: accounts, rules and their live state. */
public interface RuleDirectory {

    Optional<AccountView> account(String subscriberId);

    Optional<AutoTopUpRule> rule(String subscriberId);

    TopUpState state(String subscriberId);

    /** The account currency and status, as the rule engine last saw them. */
    record AccountView(String currency, String status) {
    }
}
