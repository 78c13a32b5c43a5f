package io.autotopup.balance.adapter.out.kafka;

import static io.autotopup.schemas.Events.money;

import io.autotopup.balance.application.AdjustBalance;
import io.autotopup.events.BalanceAdjustmentRequested;
import java.time.Instant;
import io.autotopup.platform.kafka.Acknowledged;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes operator adjustments on {@code balance-adjustments}, for the ledger to apply once each. */
public final class KafkaAdjustmentEvents implements AdjustBalance.AdjustmentEvents {

    private final KafkaTemplate<String, BalanceAdjustmentRequested> adjustments;

    public KafkaAdjustmentEvents(KafkaTemplate<String, BalanceAdjustmentRequested> adjustments) {
        this.adjustments = adjustments;
    }

    @Override
    public void requested(AdjustBalance.Command command) {
        BalanceAdjustmentRequested event = BalanceAdjustmentRequested.newBuilder()
                .setAdjustmentId(command.idempotencyKey())
                .setSubscriberId(command.subscriberId())
                .setAmount(money(command.amount(), command.currency()))
                .setReason(command.reason())
                .setRequestedAt(Instant.now())
                .build();
        Acknowledged.await(adjustments.sendDefault(command.subscriberId(), event), "the adjustment");
    }
}
