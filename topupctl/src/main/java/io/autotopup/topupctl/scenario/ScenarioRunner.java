package io.autotopup.topupctl.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.schemas.Currencies;
import io.autotopup.schemas.Events;
import io.autotopup.topupctl.scenario.Scenario.Expectation;
import io.autotopup.topupctl.scenario.Scenario.Outcome;
import io.autotopup.topupctl.scenario.Scenario.Step;
import io.autotopup.topupctl.stack.StackClient;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a scenario against a running stack, as its users would: each subscriber registers with a fresh number,
 * enters the code texted to it, binds its test cards and sets its rule; then the timeline is played (usage
 * from a carrier, gateway outages, waits, checks); then the expectations are checked, each reported as PASS or
 * FAIL with what was found. Every run uses new numbers, so scenarios can run again and again on one stack.
 */
public final class ScenarioRunner {

    /** Money fields of a rule, given in the file as plain amounts in the subscriber's currency. */
    private static final Set<String> MONEY_FIELDS = Set.of("threshold", "topUpAmount", "targetBalance", "maxAmountPerMonth");
    private static final Duration SETUP_PATIENCE = Duration.ofSeconds(60);

    private final StackClient client;
    private final PrintWriter out;

    public ScenarioRunner(StackClient client, PrintWriter out) {
        this.client = client;
        this.out = out;
    }

    /** One checked expectation: what was expected, what was found. */
    public record Check(String subscriber, String what, String expected, String found, boolean passed) {
    }

    /** The result of a run: every check, and whether all passed. */
    public record Report(String scenario, List<Check> checks, Duration took) {
        public boolean passed() {
            return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
        }
    }

    /** A subscriber as created for this run. */
    record Created(String ref, Scenario.Subscriber spec, String subscriberId, String msisdn, List<String> tokens) {
    }

    public Report run(Scenario scenario) {
        Instant started = Instant.now();
        out.println("scenario: " + scenario.name());
        Map<String, Created> subscribers = new LinkedHashMap<>();
        scenario.subscribers().forEach((ref, spec) -> subscribers.put(ref, create(ref, spec)));
        List<Check> checks = new ArrayList<>();
        for (Step step : scenario.timeline()) {
            if (step instanceof Step.Usage usage) {
                Created subscriber = subscribers.get(usage.subscriber());
                for (int i = 0; i < usage.repeat(); i++) {
                    client.publishUsage(usage(subscriber, usage.charge()));
                }
                out.printf("  usage    %s: %s x %d%n", usage.subscriber(), usage.charge().toPlainString(), usage.repeat());
            } else if (step instanceof Step.Gateway gateway) {
                client.gatewayFaults(gateway.available() ? Map.of() : Map.of("unavailable", true));
                out.printf("  gateway  %s%n", gateway.available() ? "recovered" : "outage");
            } else if (step instanceof Step.Wait wait) {
                out.printf("  wait     %s%n", wait.duration());
                sleep(wait.duration());
            } else if (step instanceof Step.Check check) {
                checks.addAll(check(check.expectation(), subscribers));
            }
        }
        checks.addAll(check(scenario.expect(), subscribers));
        Report report = new Report(scenario.name(), checks, Duration.between(started, Instant.now()));
        out.printf("result: %s (%d of %d checks passed) in %.1f s%n%n", report.passed() ? "PASS" : "FAIL",
                checks.stream().filter(Check::passed).count(), checks.size(), report.took().toMillis() / 1000.0);
        out.flush();
        return report;
    }

    private Created create(String ref, Scenario.Subscriber spec) {
        String msisdn = "+856205" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
        StackClient.Answer registered = client.registerSubscriber(msisdn, spec.currency(), spec.language(),
                spec.openingBalance().toPlainString());
        require(registered.status() == 201, ref + " could not register: " + registered.body());
        String subscriberId = registered.text("subscriberId");
        StackClient.Answer signedIn = client.signIn(msisdn, SETUP_PATIENCE);
        require(signedIn.status() == 200, ref + " could not sign in with the texted code: " + signedIn.body());
        List<String> tokens = new ArrayList<>();
        String defaultMethod = null;
        for (String card : spec.cards()) {
            String token = client.tokenizeCard(card, 12, 2035);
            StackClient.Answer bound = client.bindPaymentMethod(subscriberId, token);
            require(bound.status() == 201, ref + " could not bind card ending " + last4(card) + ": " + bound.body());
            tokens.add(token);
            if (defaultMethod == null) {
                defaultMethod = bound.text("paymentMethodId");
            }
        }
        if (spec.rule() != null) {
            Map<String, Object> rule = rule(spec);
            StackClient.Answer set = client.setAutoTopUpRule(subscriberId, rule, SETUP_PATIENCE);
            require(set.status() == 200, ref + "'s rule was refused: " + set.body());
            awaitTrue(() -> client.autoTopUpRule(subscriberId).status() == 200, SETUP_PATIENCE, ref + "'s rule to be in force");
        }
        awaitTrue(() -> spec.openingBalance().compareTo(balance(subscriberId)) == 0, SETUP_PATIENCE,
                ref + "'s opening balance");
        out.printf("  %-8s %s  %s  (%s, %s, %d card%s)%n", ref, mask(msisdn), subscriberId, spec.language(), spec.currency(),
                tokens.size(), tokens.size() == 1 ? "" : "s");
        return new Created(ref, spec, subscriberId, msisdn, tokens);
    }

    private static Map<String, Object> rule(Scenario.Subscriber spec) {
        Map<String, Object> rule = new LinkedHashMap<>();
        spec.rule().forEach((field, value) -> rule.put(field, MONEY_FIELDS.contains(field)
                ? Map.of("amount", String.valueOf(value), "currency", spec.currency()) : value));
        return rule;
    }

    private List<Check> check(Expectation expectation, Map<String, Created> subscribers) {
        // first the expectations must come true (within its time) ...
        Instant deadline = Instant.now().plus(expectation.within());
        List<Check> checks;
        do {
            checks = evaluate(expectation, subscribers);
            if (checks.stream().allMatch(Check::passed)) {
                break;
            }
            sleep(Duration.ofMillis(250));
        } while (Instant.now().isBefore(deadline));
        // ... and with "during", stay true all that time: the first failure stands
        if (expectation.during() != null && checks.stream().allMatch(Check::passed)) {
            Instant end = Instant.now().plus(expectation.during());
            while (Instant.now().isBefore(end) && checks.stream().allMatch(Check::passed)) {
                sleep(Duration.ofMillis(250));
                checks = evaluate(expectation, subscribers);
            }
        }
        for (Check check : checks) {
            out.printf("  %s  %-8s %-8s expected %s%s%n", check.passed() ? "PASS" : "FAIL", check.subscriber(), check.what(),
                    check.expected(), check.passed() ? "" : ", found " + check.found());
        }
        return checks;
    }

    private List<Check> evaluate(Expectation expectation, Map<String, Created> subscribers) {
        List<Check> checks = new ArrayList<>();
        JsonNode charges = client.charges();
        expectation.subscribers().forEach((ref, outcome) -> {
            Created subscriber = subscribers.get(ref);
            checks.addAll(evaluate(subscriber, outcome, charges));
        });
        return checks;
    }

    private List<Check> evaluate(Created subscriber, Outcome outcome, JsonNode charges) {
        List<Check> checks = new ArrayList<>();
        String ref = subscriber.ref();
        if (outcome.balance() != null) {
            BigDecimal balance = balance(subscriber.subscriberId());
            checks.add(new Check(ref, "balance", outcome.balance().toPlainString(), balance == null ? "none" : balance.toPlainString(),
                    balance != null && balance.compareTo(outcome.balance()) == 0));
        }
        if (outcome.charges() != null) {
            long found = count(charges, subscriber, "succeeded");
            checks.add(new Check(ref, "charges", outcome.charges().toString(), Long.toString(found), found == outcome.charges()));
        }
        if (outcome.declines() != null) {
            long found = count(charges, subscriber, "declined");
            checks.add(new Check(ref, "declines", outcome.declines().toString(), Long.toString(found), found == outcome.declines()));
        }
        if (outcome.texts() != null) {
            List<String> texts = texts(subscriber);
            boolean passed = texts.size() == outcome.texts().size();
            for (int i = 0; passed && i < texts.size(); i++) {
                passed = texts.get(i).contains(outcome.texts().get(i));
            }
            checks.add(new Check(ref, "texts", outcome.texts().toString(), texts.toString(), passed));
        }
        if (outcome.rule() != null) {
            StackClient.Answer rule = client.autoTopUpRule(subscriber.subscriberId());
            String state = rule.status() == 200 ? rule.text("state") : "HTTP " + rule.status();
            checks.add(new Check(ref, "rule", outcome.rule(), state, outcome.rule().equals(state)));
        }
        return checks;
    }

    private static long count(JsonNode charges, Created subscriber, String status) {
        long count = 0;
        for (JsonNode charge : charges) {
            if (subscriber.tokens().contains(charge.path("token").asText()) && status.equals(charge.path("status").asText())) {
                count++;
            }
        }
        return count;
    }

    /** The texts the subscriber got, oldest first, without the one-time code. */
    private List<String> texts(Created subscriber) {
        List<String> texts = new ArrayList<>();
        for (JsonNode sms : client.inbox(subscriber.msisdn())) {
            String text = sms.path("text").asText();
            if (!text.contains("AutoTopUp")) {
                texts.add(text);
            }
        }
        return texts;
    }

    private BigDecimal balance(String subscriberId) {
        StackClient.Answer answer = client.balance(subscriberId);
        return answer.status() == 200 ? new BigDecimal(answer.body().path("balance").path("amount").asText("0")) : null;
    }

    private static UsageRecorded usage(Created subscriber, BigDecimal charge) {
        long minor = charge.movePointRight(Currencies.minorUnitDigits(subscriber.spec().currency())).longValueExact();
        return UsageRecorded.newBuilder().setEventId("scenario-" + UUID.randomUUID()).setCarrierId("unitel")
                .setMsisdn(subscriber.msisdn()).setUsageType(UsageType.DATA).setUnits(100).setUnit("MB")
                .setCharge(Events.money(minor, subscriber.spec().currency())).setOccurredAt(Instant.now()).build();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration patience, String what) {
        Instant deadline = Instant.now().plus(patience);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + patience);
            }
            sleep(Duration.ofMillis(200));
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static String last4(String card) {
        return card.substring(Math.max(0, card.length() - 4));
    }

    private static String mask(String msisdn) {
        return msisdn.substring(0, 4) + "******" + msisdn.substring(msisdn.length() - 4);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
