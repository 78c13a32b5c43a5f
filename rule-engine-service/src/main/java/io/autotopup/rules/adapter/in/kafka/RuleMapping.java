package io.autotopup.rules.adapter.in.kafka;

import static io.autotopup.schemas.Events.money;

import io.autotopup.events.AutoTopUpDisabled;
import io.autotopup.events.AutoTopUpRuleSet;
import io.autotopup.events.LowBalanceWarning;
import io.autotopup.events.SkipReason;
import io.autotopup.events.TopUpMode;
import io.autotopup.events.TopUpReason;
import io.autotopup.events.TopUpRequested;
import io.autotopup.events.TopUpSkipped;
import io.autotopup.rules.domain.AutoTopUpRule;
import io.autotopup.rules.domain.Emission;
import java.time.Instant;
import java.time.ZoneId;
import org.apache.avro.specific.SpecificRecord;

/** Between the events and the domain. */
public final class RuleMapping {

    private RuleMapping() {
    }

    public static AutoTopUpRule toDomain(AutoTopUpRuleSet event) {
        if (event == null) {
            return null;
        }
        return new AutoTopUpRule(event.getThreshold().getMinorUnits(), AutoTopUpRule.Mode.valueOf(event.getMode().name()),
                event.getTopUpAmount().getMinorUnits(),
                event.getTargetBalance() == null ? null : event.getTargetBalance().getMinorUnits(),
                event.getThreshold().getCurrency(), event.getPaymentMethodId(), event.getMaxTopUpsPerDay(),
                event.getMaxAmountPerMonth() == null ? null : event.getMaxAmountPerMonth().getMinorUnits(),
                ZoneId.of(event.getTimeZone()), event.getEnabled());
    }

    public static AutoTopUpRuleSet toEvent(String subscriberId, AutoTopUpRule rule, Instant at) {
        return AutoTopUpRuleSet.newBuilder()
                .setSubscriberId(subscriberId)
                .setThreshold(money(rule.threshold(), rule.currency()))
                .setTopUpAmount(money(rule.topUpAmount(), rule.currency()))
                .setPaymentMethodId(rule.paymentMethodId())
                .setEnabled(rule.enabled())
                .setMode(TopUpMode.valueOf(rule.mode().name()))
                .setTargetBalance(rule.targetBalance() == null ? null : money(rule.targetBalance(), rule.currency()))
                .setMaxTopUpsPerDay(rule.maxTopUpsPerDay())
                .setMaxAmountPerMonth(rule.maxAmountPerMonth() == null ? null : money(rule.maxAmountPerMonth(), rule.currency()))
                .setTimeZone(rule.timeZone().getId())
                .setSetAt(at)
                .build();
    }

    static SpecificRecord toEvent(String subscriberId, Emission emission, Instant at) {
        if (emission instanceof Emission.TopUpRequest request) {
            return TopUpRequested.newBuilder().setRequestId(request.requestId()).setSubscriberId(subscriberId)
                    .setAmount(money(request.amount(), request.currency())).setPaymentMethodId(request.paymentMethodId())
                    .setTriggeringEventId(request.triggeringEventId()).setRequestedAt(at)
                    .setReason(request.manual() ? TopUpReason.MANUAL : TopUpReason.AUTO).build();
        }
        if (emission instanceof Emission.TopUpSkipped skipped) {
            return TopUpSkipped.newBuilder().setSubscriberId(subscriberId).setReason(SkipReason.valueOf(skipped.reason().name()))
                    .setBalance(money(skipped.balance(), skipped.currency())).setTriggeringEventId(skipped.triggeringEventId())
                    .setSkippedAt(at).build();
        }
        if (emission instanceof Emission.AutoTopUpDisabled disabled) {
            return AutoTopUpDisabled.newBuilder().setSubscriberId(subscriberId)
                    .setConsecutiveFailures(disabled.consecutiveFailures()).setLastFailureReason(disabled.lastFailureReason())
                    .setDisabledAt(at).build();
        }
        Emission.LowBalanceWarning warning = (Emission.LowBalanceWarning) emission;
        return LowBalanceWarning.newBuilder().setSubscriberId(subscriberId)
                .setBalance(money(warning.balance(), warning.currency()))
                .setThreshold(money(warning.threshold(), warning.currency()))
                .setTriggeringEventId(warning.triggeringEventId()).setWarnedAt(at).build();
    }
}
