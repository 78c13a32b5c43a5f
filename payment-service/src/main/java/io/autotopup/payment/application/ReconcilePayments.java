package io.autotopup.payment.application;

import io.autotopup.payment.application.PaymentGateway.GatewayCharge;
import io.autotopup.payment.application.SettledPayments.Settled;
import io.autotopup.payment.domain.ChargeAttempt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compares the gateway's charges of a window with the outcomes this service recorded, as a payment team compares
 * its acquirer's settlement file with its books each day (and as Kill Bill's janitor does for pending payments):
 * <ul>
 *   <li>a succeeded charge whose request has no {@code TopUpCompleted} is credited: a {@code TopUpCompleted} is
 *       published for it from what the charge names (request, subscriber, method, amount), once: the request is then
 *       settled, so it is never charged or repaired again, and the ledger credits a request once;</li>
 *   <li>a second succeeded charge for a request completed by another charge, a completed top-up whose charge the
 *       gateway does not list, an amount or currency that differs, and a charge that names no request are
 *       reported: nothing here can prove how to mend them.</li>
 * </ul>
 * Every discrepancy, repaired or reported, is published ({@code payment-reconciliation}) and counted.
 */
public final class ReconcilePayments {

    /** Charges made this long before or after the window are listed too, so that an outcome near its edge finds its charge. */
    static final Duration MARGIN = Duration.ofHours(1);

    /** Where what reconciliation finds goes, and how it credits a charge. */
    public interface Books {
        /** Publishes the completion of a charged request and the discrepancy it mends, together. */
        void complete(Repair repair, Discrepancy discrepancy, Instant from, Instant to);

        void report(Discrepancy discrepancy, Instant from, Instant to);
    }

    /** The top-up a succeeded charge paid for, as the charge names it. */
    public record Repair(String requestId, String subscriberId, String paymentMethodId, long amount, String currency,
            String chargeId, String idempotencyKey, Instant chargedAt) {
    }

    public enum Kind { CHARGED_NOT_COMPLETED, COMPLETED_WITHOUT_CHARGE, AMOUNT_DIFFERS, UNATTRIBUTED_CHARGE }

    public enum Resolution { REPAIRED, REPORTED }

    /** @param chargedAmount null when the gateway lists no charge; {@code recordedAmount} null when nothing was recorded */
    public record Discrepancy(String discrepancyId, Kind kind, Resolution resolution, String requestId, String subscriberId,
            String chargeId, String idempotencyKey, Long chargedAmount, String chargedCurrency, Long recordedAmount,
            String recordedCurrency, String detail) {
    }

    /** One run: the window, how much was compared, and what was found. */
    public record Report(Instant from, Instant to, int chargesCompared, int outcomesCompared, List<Discrepancy> discrepancies) {
        public long unresolved() {
            return discrepancies.stream().filter(found -> found.resolution() == Resolution.REPORTED).count();
        }
    }

    private final PaymentGateway gateway;
    private final SettledPayments settled;
    private final RecordedPayments recorded;
    private final Books books;
    private final Clock clock;
    /** Requests this instance repaired lately: the table of settled payments may not show the repair yet. */
    private final Set<String> repaired = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    }));

    public ReconcilePayments(PaymentGateway gateway, SettledPayments settled, RecordedPayments recorded, Books books, Clock clock) {
        this.gateway = gateway;
        this.settled = settled;
        this.recorded = recorded;
        this.books = books;
        this.clock = clock;
    }

    /**
     * Reconciles the charges made and the top-ups settled from {@code from} (inclusive) to {@code to} (exclusive).
     *
     * @throws PaymentGateway.GatewayUnavailableException when the gateway does not list its charges: nothing is concluded
     */
    public synchronized Report reconcile(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("the window must end after it starts: " + from + " to " + to);
        }
        if (to.isAfter(clock.instant())) {
            throw new IllegalArgumentException("the window must not end in the future: " + to);
        }
        List<GatewayCharge> listed = gateway.chargesBetween(from.minus(MARGIN), to.plus(MARGIN));
        Map<String, GatewayCharge> succeededById = listed.stream().filter(GatewayCharge::succeeded)
                .collect(Collectors.toMap(GatewayCharge::chargeId, Function.identity(), (first, second) -> first));
        List<Discrepancy> found = new ArrayList<>();
        int chargesCompared = 0;
        for (GatewayCharge charge : listed) {
            if (!charge.succeeded() || charge.createdAt().isBefore(from) || !charge.createdAt().isBefore(to)) {
                continue;
            }
            chargesCompared++;
            compareCharge(charge, from, to).ifPresent(found::add);
        }
        List<Settled> outcomes = recorded.settledBetween(from, to);
        for (Settled outcome : outcomes) {
            compareOutcome(outcome, succeededById).ifPresent(found::add);
        }
        for (Discrepancy discrepancy : found) {
            if (discrepancy.resolution() == Resolution.REPORTED) {
                books.report(discrepancy, from, to);
            }
        }
        return new Report(from, to, chargesCompared, outcomes.size(), List.copyOf(found));
    }

    private Optional<Discrepancy> compareCharge(GatewayCharge charge, Instant from, Instant to) {
        PaymentGateway.ChargeMetadata names = charge.metadata();
        if (names == null || names.requestId() == null || names.subscriberId() == null) {
            return Optional.of(discrepancy(Kind.UNATTRIBUTED_CHARGE, Resolution.REPORTED, null, null, charge, null,
                    "The gateway charged " + charge.amount() + " " + charge.currency() + " under " + charge.idempotencyKey()
                            + " for no request it names: find its owner in the gateway's dashboard, or refund it"));
        }
        if (repaired.contains(names.requestId())) {
            return Optional.empty();
        }
        Optional<Settled> settlement = settled.find(names.requestId());
        if (settlement.isEmpty() || !settlement.get().completed()) {
            Repair repair = new Repair(names.requestId(), names.subscriberId(), names.paymentMethodId(), charge.amount(),
                    charge.currency(), charge.chargeId(), charge.idempotencyKey(), charge.createdAt());
            Discrepancy discrepancy = discrepancy(Kind.CHARGED_NOT_COMPLETED, Resolution.REPAIRED, names.requestId(),
                    names.subscriberId(), charge, settlement.orElse(null), settlement.isEmpty()
                            ? "Charged, and no outcome was recorded: credited now"
                            : "Charged, and recorded as failed (" + settlement.get().failureReason() + "): credited now");
            books.complete(repair, discrepancy, from, to);
            repaired.add(names.requestId());
            return Optional.of(discrepancy);
        }
        Settled completed = settlement.get();
        String paidBy = completedBy(completed).map(ChargeAttempt::paymentReference).orElse(null);
        if (!charge.chargeId().equals(paidBy)) {
            return Optional.of(discrepancy(Kind.CHARGED_NOT_COMPLETED, Resolution.REPORTED, names.requestId(),
                    names.subscriberId(), charge, completed, "A second charge for a top-up completed by " + paidBy
                            + ": the subscriber paid twice; refund " + charge.chargeId()));
        }
        if (completed.amount() != charge.amount() || !completed.currency().equals(charge.currency())) {
            return Optional.of(discrepancy(Kind.AMOUNT_DIFFERS, Resolution.REPORTED, names.requestId(), names.subscriberId(),
                    charge, completed, "The gateway charged " + charge.amount() + " " + charge.currency()
                            + "; the top-up credited " + completed.amount() + " " + completed.currency()));
        }
        return Optional.empty();
    }

    private Optional<Discrepancy> compareOutcome(Settled outcome, Map<String, GatewayCharge> succeededById) {
        if (!outcome.completed()) {
            return Optional.empty();
        }
        Optional<ChargeAttempt> paidBy = completedBy(outcome);
        String reference = paidBy.map(ChargeAttempt::paymentReference).orElse(null);
        GatewayCharge charge = reference == null ? null : succeededById.get(reference);
        if (charge != null) {
            return Optional.empty(); // compared from the charge's side, if the charge is in the window
        }
        return Optional.of(new Discrepancy(Kind.COMPLETED_WITHOUT_CHARGE + ":" + outcome.requestId(),
                Kind.COMPLETED_WITHOUT_CHARGE, Resolution.REPORTED, outcome.requestId(), outcome.subscriberId(), reference,
                paidBy.map(ChargeAttempt::idempotencyKey).orElse(null), null, null, outcome.amount(), outcome.currency(),
                "Credited " + outcome.amount() + " " + outcome.currency() + " for charge " + reference
                        + ", which the gateway does not list as succeeded: the subscriber was credited without paying"));
    }

    private static Optional<ChargeAttempt> completedBy(Settled settlement) {
        return settlement.attempts().stream().filter(attempt -> attempt.result() == ChargeAttempt.Result.SUCCEEDED)
                .reduce((first, second) -> second);
    }

    private static Discrepancy discrepancy(Kind kind, Resolution resolution, String requestId, String subscriberId,
            GatewayCharge charge, Settled settlement, String detail) {
        return new Discrepancy(kind + ":" + charge.chargeId(), kind, resolution, requestId, subscriberId, charge.chargeId(),
                charge.idempotencyKey(), charge.amount(), charge.currency(), settlement == null ? null : settlement.amount(),
                settlement == null ? null : settlement.currency(), detail);
    }
}
