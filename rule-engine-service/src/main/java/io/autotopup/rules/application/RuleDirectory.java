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

    /**
     * Waits until the engine has read every payment-method change that was published before the call, so that a
     * method bound a moment ago through payment-service is known here; false if it did not catch up in time.
     */
    boolean catchUpWithPaymentMethods();

    /** The account currency and status, as the rule engine last saw them. */
    record AccountView(String currency, String status) {
    }
}
