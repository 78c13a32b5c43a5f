package io.autotopup.rules.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotopup.rules.domain.AutoTopUpAccount;
import io.autotopup.rules.domain.AutoTopUpRule;
import io.autotopup.rules.domain.RulePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The carrier's policy on identity: a rule is set only once an identity document was approved, where it asks for that. */
class ManageAutoTopUpTest {

    private static final AutoTopUpRule RULE = AutoTopUpRule.fixed(20_000, 50_000, "LAK", null);

    private final List<AutoTopUpRule> published = new ArrayList<>();
    private String kycStatus = "NONE";

    private ManageAutoTopUp manage(boolean requireVerifiedIdentity) {
        RuleDirectory directory = new RuleDirectory() {
            @Override
            public Optional<AccountView> account(String subscriberId) {
                return Optional.of(new AccountView("LAK", "ACTIVE"));
            }

            @Override
            public Optional<AutoTopUpRule> rule(String subscriberId) {
                return Optional.empty();
            }

            @Override
            public String kycStatus(String subscriberId) {
                return kycStatus;
            }

            @Override
            public AutoTopUpAccount topUps(String subscriberId) {
                return new AutoTopUpAccount();
            }
        };
        RuleEvents events = new RuleEvents() {
            @Override
            public void ruleSet(String subscriberId, AutoTopUpRule rule) {
                published.add(rule);
            }

            @Override
            public void ruleDeleted(String subscriberId) {
            }
        };
        return new ManageAutoTopUp(directory, events, new RulePolicy(Map.of("LAK", 5_000_000L), Map.of(), requireVerifiedIdentity));
    }

    @Test
    void where_the_carrier_asks_for_it_a_rule_waits_for_an_approved_identity_document_and_says_so() {
        for (String notYet : new String[] {"NONE", "PENDING", "REJECTED"}) {
            kycStatus = notYet;
            assertThatThrownBy(() -> manage(true).set("sub-1", RULE)).as(notYet)
                    .isInstanceOfSatisfying(ManageAutoTopUp.InvalidRuleException.class, refused -> {
                        assertThat(refused.code()).isEqualTo("identity_not_verified");
                        assertThat(refused.getMessage()).contains("verified identity document").contains(notYet);
                    });
        }
        assertThat(published).isEmpty();

        kycStatus = "VERIFIED";
        manage(true).set("sub-1", RULE);
        assertThat(published).containsExactly(RULE);
    }

    @Test
    void where_it_does_not_an_unverified_subscriber_sets_a_rule() {
        kycStatus = "NONE";
        manage(false).set("sub-1", RULE);
        assertThat(published).containsExactly(RULE);
    }
}
