package io.autotopup.rules.application;

import io.autotopup.rules.domain.AutoTopUpAccount;
import io.autotopup.rules.domain.AutoTopUpRule;
import java.util.Optional;

/** Read side of the rule engine: accounts, rules and their live state. */
public interface RuleDirectory {

    Optional<AccountView> account(String subscriberId);

    Optional<AutoTopUpRule> rule(String subscriberId);

    /** Where the subscriber's identity check stands (NONE, PENDING, VERIFIED, REJECTED). */
    String kycStatus(String subscriberId);

    /** The subscriber's auto top-up state; a fresh one if nothing happened yet. */
    AutoTopUpAccount topUps(String subscriberId);

    /** The account currency and status, as the rule engine last saw them. */
    record AccountView(String currency, String status) {
    }
}
