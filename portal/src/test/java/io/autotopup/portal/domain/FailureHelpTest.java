package io.autotopup.portal.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.portal.domain.FailureHelp.Action;
import org.junit.jupiter.api.Test;

class FailureHelpTest {

    @Test
    void a_declined_card_asks_for_another_card_or_method_and_to_resume_the_suspended_rule() {
        FailureHelp help = FailureHelp.forReason("CARD_DECLINED", RuleState.SUSPENDED);

        assertThat(help.messageKey()).isEqualTo("help.card-declined");
        assertThat(help.actions()).containsExactly(Action.UPDATE_CARD, Action.OTHER_METHOD, Action.RESUME_RULE);
    }

    @Test
    void an_unavailable_gateway_needs_nothing_and_an_unknown_reason_sends_to_the_carrier() {
        assertThat(FailureHelp.forReason("GATEWAY_UNAVAILABLE", RuleState.ARMED).actions()).containsExactly(Action.WAIT);
        FailureHelp unknown = FailureHelp.forReason("SOMETHING_NEW", null);
        assertThat(unknown.messageKey()).isEqualTo("help.unknown");
        assertThat(unknown.actions()).containsExactly(Action.CONTACT_CARRIER);
    }

    @Test
    void a_rule_the_subscriber_paused_is_not_resumed_for_them_by_a_help_link() {
        assertThat(FailureHelp.forReason("INSUFFICIENT_FUNDS", RuleState.PAUSED).actions()).doesNotContain(Action.RESUME_RULE);
    }

    @Test
    void no_method_to_charge_asks_for_one_not_for_a_card_with_its_current_details() {
        FailureHelp help = FailureHelp.forReason("NO_PAYMENT_METHOD", RuleState.ARMED);
        assertThat(help.messageKey()).isEqualTo("help.no-payment-method");
        assertThat(help.actions()).containsExactly(Action.ADD_METHOD);
    }
}
