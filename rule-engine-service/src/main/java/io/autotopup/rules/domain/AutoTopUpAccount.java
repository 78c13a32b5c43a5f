package io.autotopup.rules.domain;

import io.autotopup.rules.domain.Emission.AutoTopUpDisabled;
import io.autotopup.rules.domain.Emission.LowBalanceWarning;
import io.autotopup.rules.domain.Emission.SkipReason;
import io.autotopup.rules.domain.Emission.TopUpRequest;
import io.autotopup.rules.domain.Emission.TopUpSkipped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One subscriber's auto top-up, as the rule engine keeps it between events, and the rules of when to top up.
 *
 * <ul>
 *   <li>The engine acts on the effective balance: the ledger balance plus the top-up in flight. A request is
 *       in flight from the moment it is asked for until its credit arrives as a balance change caused by it,
 *       or it fails for good, so a usage event between a payment and its credit never causes a second
 *       charge. There is never more than one in flight.</li>
 *   <li>A balance change at or below the last version seen is a replay and changes nothing.</li>
 *   <li>Caps are counted per calendar day and month in the rule's time zone, at the time of the triggering
 *       event; a capped need is told once per day or month ({@link TopUpSkipped}) and re-arms by itself when
 *       the day or month turns.</li>
 *   <li>A final payment failure suspends the rule for 1 h, then 2 h (doubling, at most 24 h); the third in a
 *       row disables it ({@link AutoTopUpDisabled}). Setting the rule again or binding a new payment method
 *       re-arms it.</li>
 *   <li>A top-up the subscriber asks for (Top up now) follows the same rules: never while one is in flight, within
 *       the day's count and the month's amount (the rule's, else the defaults), at most the carrier's ceiling; the
 *       same ask twice is one top-up. It is asked for even while the rule is paused or suspended (the subscriber
 *       chose to pay), and its failure does not suspend the rule.</li>
 *   <li>When the balance crosses below the threshold and no top-up will follow (no rule, paused, suspended,
 *       disabled) the subscriber is warned once ({@link LowBalanceWarning}), and not again until the
 *       balance has been back above the threshold.</li>
 * </ul>
 * Time is always the time of the event being handled, never the clock, so a replay decides the same.
 */
public final class AutoTopUpAccount {

    static final Duration FIRST_BACKOFF = Duration.ofHours(1);
    static final Duration MAX_BACKOFF = Duration.ofHours(24);
    static final int FAILURES_BEFORE_DISABLING = 3;
    static final int HISTORY_SIZE = 20;

    private long lastBalanceVersion;
    private long balance;
    private String currency;
    private String inFlightRequestId;
    private long inFlightAmount;
    private boolean inFlightPaid;
    private boolean inFlightManual;
    private String day;
    private int topUpsToday;
    private String month;
    private long amountThisMonth;
    private String cappedNoticePeriod;
    private int consecutiveFailures;
    private long suspendedUntil;
    private boolean disabled;
    private boolean lowBalanceWarned;
    private String lastOutcome;
    private Set<String> paymentMethodIds = new HashSet<>();
    private List<TopUpRecord> history = new ArrayList<>();

    /** A balance change: may ask for a top-up, tell that a cap was reached, or warn of a low balance. */
    public List<Emission> onBalanceChanged(String subscriberId, AutoTopUpRule rule, BalanceObservation change,
            Instant at, RulePolicy policy) {
        if (change.version() <= lastBalanceVersion) {
            return List.of();
        }
        lastBalanceVersion = change.version();
        balance = change.newBalance();
        currency = change.currency();
        if (inFlightRequestId != null && change.topUpCredit() && change.causationId().equals(inFlightRequestId)) {
            record(inFlightRequestId, "CREDITED", null, at);
            inFlightRequestId = null;
            inFlightAmount = 0;
            inFlightPaid = false;
            if (!inFlightManual) {
                consecutiveFailures = 0;
            }
            inFlightManual = false;
            lastOutcome = "SUCCEEDED";
        }
        Long threshold = rule != null && rule.currency().equals(currency) ? Long.valueOf(rule.threshold())
                : policy.defaultLowBalanceThreshold().get(currency);
        if (threshold == null || balance >= threshold) {
            lowBalanceWarned = false;
            return List.of();
        }
        long effectiveBalance = balance + inFlightAmount;
        if (inFlightRequestId != null || effectiveBalance >= threshold) {
            return List.of();
        }
        if (rule == null || !rule.enabled() || !rule.currency().equals(currency) || disabled
                || at.toEpochMilli() < suspendedUntil) {
            return warnOnce(change, threshold);
        }
        rollCounters(rule, at);
        long amount = Math.min(rule.amountFor(effectiveBalance), policy.ceilingFor(currency));
        if (topUpsToday >= rule.maxTopUpsPerDay()) {
            return capped(SkipReason.DAILY_CAP, "D:" + day, change);
        }
        if (rule.maxAmountPerMonth() != null && amountThisMonth + amount > rule.maxAmountPerMonth()) {
            return capped(SkipReason.MONTHLY_CAP, "M:" + month, change);
        }
        return List.of(startTopUp(new TopUpRequest(requestId(subscriberId, change.eventId()), amount, currency,
                rule.paymentMethodId(), change.eventId()), at));
    }

    /**
     * The subscriber asks for a top-up now. Either it is asked for ({@link TopUpRequest}, manual), or it is recorded as
     * REFUSED with why (IN_FLIGHT, DAILY_CAP, MONTHLY_CAP, ABOVE_CEILING, CURRENCY), which the subscriber's history
     * shows; an ask already seen changes nothing.
     */
    public List<Emission> onTopUpAsked(String subscriberId, AutoTopUpRule rule, String askId, long amount, String askCurrency,
            String paymentMethodId, Instant at, RulePolicy policy) {
        String requestId = requestId(subscriberId, MANUAL_PREFIX + askId);
        if (history.stream().anyMatch(record -> record.requestId().equals(requestId))) {
            return List.of();
        }
        AutoTopUpRule caps = rule != null ? rule
                : AutoTopUpRule.fixed(0, amount, askCurrency, null);
        String refusal = null;
        if (currency != null && !currency.equals(askCurrency) || !caps.currency().equals(askCurrency)) {
            refusal = "CURRENCY";
        } else if (inFlightRequestId != null) {
            refusal = "IN_FLIGHT";
        } else if (amount <= 0 || amount > policy.ceilingFor(askCurrency)) {
            refusal = "ABOVE_CEILING";
        } else {
            rollCounters(caps, at);
            if (topUpsToday >= caps.maxTopUpsPerDay()) {
                refusal = "DAILY_CAP";
            } else if (caps.maxAmountPerMonth() != null && amountThisMonth + amount > caps.maxAmountPerMonth()) {
                refusal = "MONTHLY_CAP";
            }
        }
        if (refusal != null) {
            history.add(0, new TopUpRecord(requestId, amount, askCurrency, MANUAL_PREFIX + askId, "REFUSED", refusal,
                    at.toEpochMilli(), at.toEpochMilli(), true));
            trimHistory();
            return List.of();
        }
        return List.of(startTopUp(new TopUpRequest(requestId, amount, askCurrency, paymentMethodId, MANUAL_PREFIX + askId, true), at));
    }

    /** The payment went through; the request stays in flight until its credit arrives. */
    public void onTopUpCompleted(String requestId, Instant at) {
        if (requestId.equals(inFlightRequestId)) {
            inFlightPaid = true;
            record(requestId, "COMPLETED", null, at);
        }
    }

    /** A final failure ends the request, suspends the rule, and the third in a row disables it. */
    public List<Emission> onTopUpFailed(String requestId, boolean isFinal, String reason, Instant at) {
        if (!isFinal || !requestId.equals(inFlightRequestId)) {
            return List.of();
        }
        record(requestId, "FAILED", reason, at);
        inFlightRequestId = null;
        inFlightAmount = 0;
        inFlightPaid = false;
        lastOutcome = "FAILED:" + reason;
        if (inFlightManual) {
            // the subscriber's own top-up failed: they see it on the page; the rule is not suspended for it
            inFlightManual = false;
            return List.of();
        }
        consecutiveFailures++;
        if (consecutiveFailures >= FAILURES_BEFORE_DISABLING) {
            disabled = true;
            suspendedUntil = 0;
            return List.of(new AutoTopUpDisabled(consecutiveFailures, reason));
        }
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << (consecutiveFailures - 1));
        suspendedUntil = at.plus(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff).toEpochMilli();
        return List.of();
    }

    /** Setting (or editing) the rule re-arms it; what is in flight stays in flight. */
    public void onRuleSet() {
        rearm();
    }

    /** The rule is gone: nothing more is asked for or retried; a top-up in flight still completes. */
    public void onRuleDeleted() {
        rearm();
    }

    /** Keeps which methods the subscriber has bound; a newly bound one re-arms a suspended or disabled rule. */
    public void onPaymentMethodsChanged(Set<String> boundMethodIds) {
        if (!paymentMethodIds.containsAll(boundMethodIds)) {
            rearm();
        }
        paymentMethodIds = new HashSet<>(boundMethodIds);
    }

    public boolean ownsPaymentMethod(String paymentMethodId) {
        return paymentMethodIds.contains(paymentMethodId);
    }

    public boolean hasPaymentMethod() {
        return !paymentMethodIds.isEmpty();
    }

    /** PENDING, DISABLED, SUSPENDED, PAUSED, CAPPED or ARMED, as of {@code now}. */
    public String liveState(AutoTopUpRule rule, Instant now) {
        if (inFlightRequestId != null) {
            return "PENDING";
        }
        if (disabled) {
            return "DISABLED";
        }
        if (now.toEpochMilli() < suspendedUntil) {
            return "SUSPENDED";
        }
        if (!rule.enabled()) {
            return "PAUSED";
        }
        boolean sameDay = LocalDate.ofInstant(now, rule.timeZone()).toString().equals(day);
        boolean sameMonth = YearMonth.from(now.atZone(rule.timeZone())).toString().equals(month);
        if (sameDay && topUpsToday >= rule.maxTopUpsPerDay()
                || sameMonth && rule.maxAmountPerMonth() != null && amountThisMonth >= rule.maxAmountPerMonth()) {
            return "CAPPED";
        }
        return "ARMED";
    }

    /** Top-ups counted on the day of {@code now} in the rule's zone. */
    public int topUpsOn(AutoTopUpRule rule, Instant now) {
        return LocalDate.ofInstant(now, rule.timeZone()).toString().equals(day) ? topUpsToday : 0;
    }

    /** Amount topped up in the month of {@code now} in the rule's zone. */
    public long amountIn(AutoTopUpRule rule, Instant now) {
        return YearMonth.from(now.atZone(rule.timeZone())).toString().equals(month) ? amountThisMonth : 0;
    }

    /** Until when a final payment failure keeps the rule from topping up, if it does as of {@code now}. */
    public java.util.Optional<Instant> suspendedUntil(Instant now) {
        return now.toEpochMilli() < suspendedUntil ? java.util.Optional.of(Instant.ofEpochMilli(suspendedUntil))
                : java.util.Optional.empty();
    }

    public String lastOutcome() {
        return lastOutcome;
    }

    /** Recent top-ups, newest first. */
    public List<TopUpRecord> history() {
        return List.copyOf(history);
    }

    public String inFlightRequestId() {
        return inFlightRequestId;
    }

    public boolean inFlightPaid() {
        return inFlightPaid;
    }

    private void rearm() {
        disabled = false;
        suspendedUntil = 0;
        consecutiveFailures = 0;
    }

    private List<Emission> warnOnce(BalanceObservation change, long threshold) {
        if (lowBalanceWarned) {
            return List.of();
        }
        lowBalanceWarned = true;
        return List.of(new LowBalanceWarning(balance, threshold, currency, change.eventId()));
    }

    private List<Emission> capped(SkipReason reason, String period, BalanceObservation change) {
        if (period.equals(cappedNoticePeriod)) {
            return List.of();
        }
        cappedNoticePeriod = period;
        return List.of(new TopUpSkipped(reason, balance, currency, change.eventId()));
    }

    /** The request goes in flight: counted against the day and the month, and shown as PENDING in the history. */
    private TopUpRequest startTopUp(TopUpRequest request, Instant at) {
        inFlightRequestId = request.requestId();
        inFlightAmount = request.amount();
        inFlightPaid = false;
        inFlightManual = request.manual();
        topUpsToday++;
        amountThisMonth += request.amount();
        history.add(0, new TopUpRecord(request.requestId(), request.amount(), request.currency(), request.triggeringEventId(),
                "PENDING", null, at.toEpochMilli(), at.toEpochMilli(), request.manual()));
        trimHistory();
        return request;
    }

    private void rollCounters(AutoTopUpRule rule, Instant at) {
        String today = LocalDate.ofInstant(at, rule.timeZone()).toString();
        String thisMonth = YearMonth.from(at.atZone(rule.timeZone())).toString();
        if (!today.equals(day)) {
            day = today;
            topUpsToday = 0;
        }
        if (!thisMonth.equals(month)) {
            month = thisMonth;
            amountThisMonth = 0;
        }
    }

    private void record(String requestId, String status, String outcome, Instant at) {
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).requestId().equals(requestId)) {
                history.set(i, history.get(i).with(status, outcome, at.toEpochMilli()));
                return;
            }
        }
    }

    private void trimHistory() {
        while (history.size() > HISTORY_SIZE) {
            history.remove(history.size() - 1);
        }
    }

    /** What a manual top-up's triggering id starts with: {@code manual:<ask id>}. */
    public static final String MANUAL_PREFIX = "manual:";

    /** The request id a manual top-up gets: the same ask, the same id. */
    public static String manualRequestId(String subscriberId, String askId) {
        return requestId(subscriberId, MANUAL_PREFIX + askId);
    }

    static String requestId(String subscriberId, String triggeringEventId) {
        return UUID.nameUUIDFromBytes(("top-up:" + subscriberId + ":" + triggeringEventId)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }
}
