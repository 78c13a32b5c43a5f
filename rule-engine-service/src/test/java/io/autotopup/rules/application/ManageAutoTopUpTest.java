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
    private final List<String> asked = new ArrayList<>();
    /** What the engine's store holds of the subscriber's top-ups, where a test sets it. */
    private AutoTopUpAccount state;
    private String kycStatus = "NONE";
    /** The methods the engine has read, and those still on their way from payment-service. */
    private final java.util.Set<String> known = new java.util.HashSet<>();
    private final java.util.Set<String> onTheirWay = new java.util.HashSet<>();
    private boolean catchesUp = true;
    private int catchUps;

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
                AutoTopUpAccount account = state != null ? state : new AutoTopUpAccount();
                account.onPaymentMethodsChanged(java.util.Set.copyOf(known));
                return account;
            }

            @Override
            public boolean catchUpWithPaymentMethods() {
                catchUps++;
                if (catchesUp) {
                    known.addAll(onTheirWay);
                }
                return catchesUp;
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

            @Override
            public void topUpAsked(String subscriberId, String askId, long amount, String currency, String paymentMethodId) {
                asked.add(askId + ":" + amount + ":" + paymentMethodId);
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

    @Test
    void a_method_bound_a_moment_ago_is_waited_for_and_one_never_bound_is_refused() {
        onTheirWay.add("pm-new");
        AutoTopUpRule naming = AutoTopUpRule.fixed(20_000, 50_000, "LAK", "pm-new");
        manage(false).set("sub-1", naming);
        assertThat(published).containsExactly(naming);

        assertThatThrownBy(() -> manage(false).set("sub-1", AutoTopUpRule.fixed(20_000, 50_000, "LAK", "pm-of-bob")))
                .isInstanceOfSatisfying(ManageAutoTopUp.InvalidRuleException.class, refused -> {
                    assertThat(refused.code()).isEqualTo("unknown");
                    assertThat(refused.field()).isEqualTo("paymentMethodId");
                });
        assertThat(published).hasSize(1);
    }

    @Test
    void a_known_method_costs_no_wait_and_an_engine_that_cannot_catch_up_says_ask_again_not_unknown() {
        known.add("pm-1");
        manage(false).set("sub-1", AutoTopUpRule.fixed(20_000, 50_000, "LAK", "pm-1"));
        assertThat(catchUps).isZero();

        catchesUp = false;
        onTheirWay.add("pm-new");
        assertThatThrownBy(() -> manage(false).set("sub-1", AutoTopUpRule.fixed(20_000, 50_000, "LAK", "pm-new")))
                .isInstanceOf(ManageAutoTopUp.BehindException.class).hasMessageContaining("ask again");
        assertThat(published).hasSize(1);
    }

    @Test
    void a_monthly_cap_below_one_top_up_is_refused_beside_the_cap_with_the_smallest_top_up() {
        AutoTopUpRule fixed = new AutoTopUpRule(20_000, AutoTopUpRule.Mode.FIXED, 50_000, null, "LAK", null, 3, 10_000L,
                AutoTopUpRule.DEFAULT_TIME_ZONE, true);
        assertThatThrownBy(() -> manage(false).set("sub-1", fixed))
                .isInstanceOfSatisfying(ManageAutoTopUp.InvalidRuleException.class, refused -> {
                    assertThat(refused.field()).isEqualTo("maxAmountPerMonth");
                    assertThat(refused.code()).isEqualTo("below_one_top_up");
                    assertThat(refused.limitMinorUnits()).isEqualTo(50_000L);
                });
        AutoTopUpRule target = new AutoTopUpRule(20_000, AutoTopUpRule.Mode.TARGET, 0, 100_000L, "LAK", null, 3, 70_000L,
                AutoTopUpRule.DEFAULT_TIME_ZONE, true);
        assertThatThrownBy(() -> manage(false).set("sub-1", target)).as("topping up to 100,000 from below 20,000 takes over 80,000")
                .isInstanceOfSatisfying(ManageAutoTopUp.InvalidRuleException.class,
                        refused -> assertThat(refused.limitMinorUnits()).isEqualTo(80_000L));
        assertThat(published).isEmpty();

        AutoTopUpRule exactlyOne = new AutoTopUpRule(20_000, AutoTopUpRule.Mode.FIXED, 50_000, null, "LAK", null, 3, 50_000L,
                AutoTopUpRule.DEFAULT_TIME_ZONE, true);
        manage(false).set("sub-1", exactlyOne);
        assertThat(published).as("a cap of exactly one top-up allows one a month").containsExactly(exactlyOne);
    }

    @Test
    void a_top_up_asked_for_now_is_published_once_per_key_and_refused_at_once_while_one_is_on_its_way() {
        known.add("pm-1");
        String id = manage(false).askTopUp("sub-1", "key-00000001", 20_000, "LAK", null);
        assertThat(asked).containsExactly("key-00000001:20000:null");
        assertThat(id).isEqualTo(AutoTopUpAccount.manualRequestId("sub-1", "key-00000001"));

        state = new AutoTopUpAccount();
        state.onPaymentMethodsChanged(java.util.Set.of("pm-1"));
        state.onTopUpAsked("sub-1", null, "key-00000001", 20_000, "LAK", null, java.time.Instant.now(),
                new RulePolicy(Map.of("LAK", 5_000_000L), Map.of(), false));
        assertThat(manage(false).askTopUp("sub-1", "key-00000001", 20_000, "LAK", null)).as("the same key: the same top-up")
                .isEqualTo(id);
        assertThat(asked).as("asked for once").hasSize(1);
        assertThatThrownBy(() -> manage(false).askTopUp("sub-1", "key-00000002", 20_000, "LAK", null))
                .isInstanceOf(ManageAutoTopUp.InFlightException.class).hasMessageContaining("on its way");
        assertThat(asked).hasSize(1);
    }

    @Test
    void a_top_up_asked_for_now_needs_a_method_an_amount_within_the_ceiling_and_the_account_currency() {
        assertThatThrownBy(() -> manage(false).askTopUp("sub-1", "key-00000001", 20_000, "LAK", null))
                .isInstanceOfSatisfying(ManageAutoTopUp.InvalidRuleException.class, refused -> {
                    assertThat(refused.field()).isEqualTo("paymentMethodId");
                    assertThat(refused.code()).isEqualTo("none");
                });
        known.add("pm-1");
        assertThatThrownBy(() -> manage(false).askTopUp("sub-1", "key-00000001", 5_000_001, "LAK", null))
                .isInstanceOfSatisfying(ManageAutoTopUp.InvalidRuleException.class, refused -> {
                    assertThat(refused.code()).isEqualTo("above_ceiling");
                    assertThat(refused.limitMinorUnits()).isEqualTo(5_000_000L);
                });
        assertThatThrownBy(() -> manage(false).askTopUp("sub-1", "key-00000001", 500, "USD", null))
                .isInstanceOfSatisfying(ManageAutoTopUp.InvalidRuleException.class,
                        refused -> assertThat(refused.code()).isEqualTo("currency"));
        assertThatThrownBy(() -> manage(false).askTopUp("sub-1", "key-00000001", 0, "LAK", null))
                .isInstanceOfSatisfying(ManageAutoTopUp.InvalidRuleException.class,
                        refused -> assertThat(refused.code()).isEqualTo("not_positive"));
        assertThat(asked).isEmpty();
    }
}
