package io.autotopup.devstack;

import io.autotopup.topupctl.stack.StackClient;
import io.autotopup.topupctl.stack.StackEndpoints;
import static io.autotopup.schemas.Events.money;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a newcomer watches: four subscribers, one per language, with sandbox cards and auto top-up rules;
 * usage drains their balances; three are topped up and one card is declined; each is texted once.
 */
final class Demo {

    private record Persona(String name, String language, String currency, String opening, String card,
            String threshold, String topUp, long usageMinor, int usageEvents) {
    }

    private static final List<Persona> PERSONAS = List.of(
            new Persona("Souksavanh", "lo", "LAK", "30000", "4242424242424242", "10000", "50000", 8_000, 3),
            new Persona("Emma", "en", "USD", "6.00", "5555555555554444", "2.00", "5.00", 150, 3),
            new Persona("Li Wei", "zh", "LAK", "15000", "4000000000009995", "10000", "50000", 3_000, 2),
            new Persona("Somchai", "th", "LAK", "20000", "4242424242424242", "5000", "100000", 6_000, 3));

    private final StackClient client;
    private final PrintStream out;

    Demo(StackClient client, PrintStream out) {
        this.client = client;
        this.out = out;
    }

    void run() {
        out.println("demo         | the carrier provisions subscribers; each signs in with the code texted to them, binds a"
                + " sandbox card and sets an auto top-up rule…");
        List<String> ids = new ArrayList<>();
        List<String> msisdns = new ArrayList<>();
        for (Persona persona : PERSONAS) {
            String msisdn = "+856205" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
            StackClient.Answer registered = client.registerSubscriber(msisdn, persona.currency(), persona.language(),
                    persona.opening());
            require(registered, 201, "register " + persona.name());
            String id = registered.text("subscriberId");
            require(client.signIn(msisdn, Duration.ofSeconds(60)), 200, "sign in " + persona.name());
            StackClient.Answer bound = client.bindPaymentMethod(id, client.tokenizeCard(persona.card(), 12, 2030));
            require(bound, 201, "bind a card for " + persona.name());
            require(client.setAutoTopUpRule(id, persona.threshold(), persona.topUp(), persona.currency(),
                    bound.text("paymentMethodId"), Duration.ofSeconds(30)), 200, "set the rule of " + persona.name());
            ids.add(id);
            msisdns.add(msisdn);
            out.printf("demo         | %-11s %s  %s %s, top up %s %s below %s  (subscriber %s)%n", persona.name(), msisdn,
                    persona.language(), persona.opening(), persona.topUp(), persona.currency(), persona.threshold(), id);
        }
        awaitRulesLive(ids);

        out.println("demo         | a carrier publishes usage to Kafka (usage-events)…");
        for (int i = 0; i < PERSONAS.size(); i++) {
            Persona persona = PERSONAS.get(i);
            UsageRecorded[] usage = new UsageRecorded[persona.usageEvents()];
            for (int n = 0; n < usage.length; n++) {
                usage[n] = UsageRecorded.newBuilder().setEventId("cdr-" + UUID.randomUUID()).setCarrierId("unitel")
                        .setMsisdn(msisdns.get(i)).setUsageType(UsageType.DATA).setUnits(250).setUnit("MB")
                        .setCharge(money(persona.usageMinor(), persona.currency())).setOccurredAt(Instant.now()).build();
            }
            client.publishUsage(usage);
        }

        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        // Each subscriber got the one-time code already; wait for the text about the top-up.
        while (Instant.now().isBefore(deadline) && msisdns.stream().anyMatch(msisdn -> client.inbox(msisdn).size() < 2)) {
            pause();
        }
        out.println();
        out.println("  What happened");
        for (int i = 0; i < PERSONAS.size(); i++) {
            Persona persona = PERSONAS.get(i);
            JsonNode balance = client.balance(ids.get(i)).body().path("balance");
            JsonNode rule = client.autoTopUpRule(ids.get(i)).body();
            out.printf("  %-11s balance %s %s (was %s), auto top-up %s%n", persona.name(), balance.path("amount").asText(),
                    balance.path("currency").asText(), persona.opening(), rule.path("state").asText());
            JsonNode inbox = client.inbox(msisdns.get(i));
            if (inbox.isEmpty()) {
                out.println("      (no SMS yet)");
            }
            inbox.forEach(sms -> out.println("      SMS: " + sms.path("text").asText()));
        }
        out.println("  Gateway charges: " + client.charges().size() + " attempt(s), see GET /v1/charges on the gateway");
        out.println();
    }

    private void awaitRulesLive(List<String> ids) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline) && ids.stream().anyMatch(id -> client.autoTopUpRule(id).status() != 200)) {
            pause();
        }
    }

    private static void require(StackClient.Answer answer, int status, String what) {
        if (answer.status() != status) {
            throw new IllegalStateException("Could not " + what + ": " + answer.status() + " " + answer.body());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
