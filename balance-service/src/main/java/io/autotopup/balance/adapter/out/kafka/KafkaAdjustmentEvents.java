package io.autotopup.balance.adapter.out.kafka;

import static io.autotopup.schemas.Events.money;

import io.autotopup.balance.application.AdjustBalance;
import io.autotopup.events.BalanceAdjustmentRequested;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
        try {
            adjustments.sendDefault(command.subscriberId(), event).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing the adjustment", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The adjustment was not acknowledged by Kafka", e);
        }
    }
}
