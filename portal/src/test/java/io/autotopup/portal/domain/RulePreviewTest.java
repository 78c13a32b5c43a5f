package io.autotopup.portal.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.portal.domain.RulePreview.Outcome;
import org.junit.jupiter.api.Test;

class RulePreviewTest {

    private static Money kip(long amount) {
        return new Money(amount, "LAK");
    }

    private static AutoTopUp fixed(RuleState state, int topUpsToday, Money monthlyCap, Money thisMonth) {
        return new AutoTopUp(kip(20_000), AutoTopUp.Mode.FIXED, kip(50_000), null, null, 3, monthlyCap, true, state, topUpsToday,
                thisMonth, null, null);
    }

    @Test
    void above_the_threshold_nothing_happens_yet_and_the_gap_is_told() {
        RulePreview preview = RulePreview.at(kip(45_000), fixed(RuleState.ARMED, 0, null, kip(0)), true);

        assertThat(preview).isEqualTo(new RulePreview(Outcome.WAIT, kip(25_000)));
    }

    @Test
    void below_the_threshold_the_next_use_tops_up_the_fixed_amount() {
        assertThat(RulePreview.at(kip(5_000), fixed(RuleState.ARMED, 0, null, kip(0)), true))
                .isEqualTo(new RulePreview(Outcome.TOP_UP_NEXT_USE, kip(50_000)));
    }

    @Test
    void a_target_rule_tops_up_what_brings_the_balance_to_the_target() {
        AutoTopUp target = new AutoTopUp(kip(20_000), AutoTopUp.Mode.TARGET, null, kip(100_000), null, 3, null, true,
                RuleState.ARMED, 0, kip(0), null, null);

        assertThat(RulePreview.at(kip(-10_000), target, true)).isEqualTo(new RulePreview(Outcome.TOP_UP_NEXT_USE, kip(110_000)));
    }

    @Test
    void exactly_at_the_threshold_is_not_below_it() {
        assertThat(RulePreview.at(kip(20_000), fixed(RuleState.ARMED, 0, null, kip(0)), true).outcome()).isEqualTo(Outcome.WAIT);
    }

    @Test
    void the_caps_and_the_states_that_stop_a_top_up_are_told_as_such() {
        assertThat(RulePreview.at(kip(0), fixed(RuleState.ARMED, 3, null, kip(0)), true).outcome()).isEqualTo(Outcome.DAILY_CAP);
        assertThat(RulePreview.at(kip(0), fixed(RuleState.ARMED, 0, kip(120_000), kip(80_000)), true))
                .isEqualTo(new RulePreview(Outcome.MONTHLY_CAP, kip(50_000)));
        assertThat(RulePreview.at(kip(0), fixed(RuleState.ARMED, 0, kip(130_000), kip(80_000)), true).outcome())
                .as("exactly reaching the monthly cap is allowed").isEqualTo(Outcome.TOP_UP_NEXT_USE);
        assertThat(RulePreview.at(kip(0), fixed(RuleState.PENDING, 0, null, kip(0)), true).outcome()).isEqualTo(Outcome.IN_FLIGHT);
        for (RuleState off : new RuleState[] {RuleState.PAUSED, RuleState.SUSPENDED, RuleState.DISABLED}) {
            assertThat(RulePreview.at(kip(0), fixed(off, 0, null, kip(0)), true).outcome()).as(off.name()).isEqualTo(Outcome.NOT_ON);
        }
        assertThat(RulePreview.at(kip(0), fixed(RuleState.ARMED, 0, null, kip(0)), false).outcome()).isEqualTo(Outcome.NO_METHOD);
        assertThat(RulePreview.at(kip(0), null, true).outcome()).isEqualTo(Outcome.NO_RULE);
    }
}
