package io.autotopup.payment.adapter.out.kafka;

import static io.autotopup.schemas.Events.money;

import io.autotopup.events.ChargeAttemptResult;
import io.autotopup.events.DiscrepancyKind;
import io.autotopup.events.DiscrepancyResolution;
import io.autotopup.events.PaymentDiscrepancyFound;
import io.autotopup.events.PaymentRecorded;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.payment.application.ReconcilePayments;
import io.autotopup.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes what reconciliation finds on {@code payment-reconciliation}, and a repair as the listener would have
 * published the outcome ({@code TopUpCompleted} on {@code top-up-outcomes}, {@code PaymentRecorded} on
 * {@code payments}), with its discrepancy, in one transaction. Counts {@code autotopup.reconciliation.discrepancies}
 * by kind and resolution.
 */
public final class KafkaReconciliation implements ReconcilePayments.Books {

    /** Marks the outcomes reconciliation published, so that a reader can tell them from the listener's. */
    public static final String REPAIRED_BY_HEADER = "autotopup-repaired-by";

    private final KafkaTemplate<String, SpecificRecord> template;
    private final MeterRegistry meters;
    private final Clock clock;

    public KafkaReconciliation(KafkaTemplate<String, SpecificRecord> template, MeterRegistry meters, Clock clock) {
        this.template = template;
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public void complete(ReconcilePayments.Repair repair, ReconcilePayments.Discrepancy discrepancy, Instant from, Instant to) {
        Instant now = clock.instant();
        TopUpCompleted completed = TopUpCompleted.newBuilder().setRequestId(repair.requestId())
                .setSubscriberId(repair.subscriberId()).setAmount(money(repair.amount(), repair.currency()))
                .setPaymentMethodId(repair.paymentMethodId() == null ? "unknown" : repair.paymentMethodId())
                .setPaymentMethodLast4(null).setPaymentReference(repair.chargeId()).setCompletedAt(now).build();
        PaymentRecorded recorded = PaymentRecorded.newBuilder().setRequestId(repair.requestId())
                .setSubscriberId(repair.subscriberId()).setAmount(money(repair.amount(), repair.currency()))
                .setAttempts(List.of(io.autotopup.events.ChargeAttempt.newBuilder()
                        .setPaymentMethodId(completed.getPaymentMethodId()).setIdempotencyKey(repair.idempotencyKey())
                        .setResult(ChargeAttemptResult.SUCCEEDED).setPaymentReference(repair.chargeId())
                        .setDetail("credited by reconciliation").setAt(repair.chargedAt()).build()))
                .setCompleted(true).setFailureReason(null).setSettledAt(now).build();
        ProducerRecord<String, SpecificRecord> outcome = new ProducerRecord<>(Topics.TOP_UP_OUTCOMES.name(),
                repair.subscriberId(), completed);
        outcome.headers().add(REPAIRED_BY_HEADER, "reconciliation".getBytes(StandardCharsets.UTF_8));
        template.executeInTransaction(operations -> {
            operations.send(outcome);
            operations.send(Topics.PAYMENTS.name(), repair.requestId(), recorded);
            operations.send(Topics.PAYMENT_RECONCILIATION.name(), discrepancy.discrepancyId(), event(discrepancy, from, to, now));
            return null;
        });
        count(discrepancy);
    }

    @Override
    public void report(ReconcilePayments.Discrepancy discrepancy, Instant from, Instant to) {
        template.executeInTransaction(operations -> operations.send(Topics.PAYMENT_RECONCILIATION.name(),
                discrepancy.discrepancyId(), event(discrepancy, from, to, clock.instant())));
        count(discrepancy);
    }

    private void count(ReconcilePayments.Discrepancy discrepancy) {
        // autotopup_reconciliation_discrepancies_total{kind,resolution}
        meters.counter("autotopup.reconciliation.discrepancies", "kind", discrepancy.kind().name(), "resolution",
                discrepancy.resolution().name()).increment();
    }

    private static PaymentDiscrepancyFound event(ReconcilePayments.Discrepancy found, Instant from, Instant to, Instant now) {
        return PaymentDiscrepancyFound.newBuilder().setDiscrepancyId(found.discrepancyId())
                .setKind(DiscrepancyKind.valueOf(found.kind().name()))
                .setResolution(DiscrepancyResolution.valueOf(found.resolution().name()))
                .setRequestId(found.requestId()).setSubscriberId(found.subscriberId()).setChargeId(found.chargeId())
                .setIdempotencyKey(found.idempotencyKey())
                .setCharged(found.chargedAmount() == null ? null : money(found.chargedAmount(), found.chargedCurrency()))
                .setRecorded(found.recordedAmount() == null ? null : money(found.recordedAmount(), found.recordedCurrency()))
                .setDetail(found.detail()).setWindowFrom(from).setWindowTo(to).setFoundAt(now).build();
    }
}
