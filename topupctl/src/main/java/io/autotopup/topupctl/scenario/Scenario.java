package io.autotopup.topupctl.scenario;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A scenario file: subscribers (with test cards and a rule), a timeline (usage, gateway outages, waits,
 * checks along the way) and what must be true at the end (balances, charges, texts, rule states). The format
 * is in docs/replay.md; the shipped scenarios are in {@code scenarios/}.
 *
 * @param name        what the scenario shows
 * @param subscribers by the name the file gives them
 * @param timeline    the steps, in order
 * @param expect      what must hold at the end, within its time
 */
public record Scenario(String name, Map<String, Subscriber> subscribers, List<Step> timeline, Expectation expect) {

    /**
     * @param language       en, lo, zh or th
     * @param currency       LAK or USD
     * @param openingBalance in major units (whole kip, dollars)
     * @param cards          sandbox test card numbers, bound in order (the first is the default)
     * @param rule           the auto top-up rule as the API takes it ({@code threshold}, {@code topUpAmount}
     *                       as plain amounts in the subscriber's currency, {@code maxTopUpsPerDay}, …), or null
     */
    public record Subscriber(String language, String currency, BigDecimal openingBalance, List<String> cards,
            Map<String, Object> rule) {
    }

    /** One step of the timeline. */
    public sealed interface Step {
        /** Usage of {@code charge} (major units) for the subscriber, {@code repeat} times. */
        record Usage(String subscriber, BigDecimal charge, int repeat) implements Step {
        }

        /** The sandbox gateway goes down ({@code outage}) or comes back ({@code recovered}). */
        record Gateway(boolean available) implements Step {
        }

        record Wait(Duration duration) implements Step {
        }

        /** Expectations that must hold (eventually, or {@code during} all of a time) before the next step. */
        record Check(Expectation expectation) implements Step {
        }
    }

    /**
     * @param within       how long the expectations may take to become true
     * @param during       if set: once true, they must stay true this long (e.g. "nothing is charged during the outage")
     * @param subscribers  what must hold per subscriber
     */
    public record Expectation(Duration within, Duration during, Map<String, Outcome> subscribers) {
    }

    /**
     * What must hold for one subscriber; null fields are not checked.
     *
     * @param balance  the balance, in major units
     * @param charges  succeeded charges of the subscriber's cards at the gateway
     * @param declines declined charge attempts
     * @param texts    the texts the subscriber got, the one-time code left out: exactly as many as listed, each
     *                 containing its entry, in order
     * @param rule     the rule engine's state: ARMED, PENDING, CAPPED, SUSPENDED, DISABLED, PAUSED
     */
    public record Outcome(BigDecimal balance, Integer charges, Integer declines, List<String> texts, String rule) {
    }

    /** Reads a scenario file, with a message naming the file and the field when something is wrong. */
    public static Scenario read(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            return parse(map(document, "the file"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static Scenario parse(Map<String, Object> root) {
        String name = string(root.get("name"), "name");
        Map<String, Subscriber> subscribers = new LinkedHashMap<>();
        map(root.get("subscribers"), "subscribers").forEach((ref, value) -> {
            Map<String, Object> fields = map(value, "subscribers." + ref);
            List<String> cards = new ArrayList<>();
            for (Object card : list(fields.getOrDefault("cards", List.of()), "subscribers." + ref + ".cards")) {
                cards.add(String.valueOf(card));
            }
            subscribers.put(ref, new Subscriber(
                    string(fields.getOrDefault("language", "en"), "language").toLowerCase(Locale.ROOT),
                    string(fields.getOrDefault("currency", "LAK"), "currency").toUpperCase(Locale.ROOT),
                    decimal(fields.getOrDefault("openingBalance", 0), "subscribers." + ref + ".openingBalance"),
                    cards, fields.get("rule") == null ? null : map(fields.get("rule"), "subscribers." + ref + ".rule")));
        });
        List<Step> timeline = new ArrayList<>();
        int index = 0;
        for (Object entry : list(root.getOrDefault("timeline", List.of()), "timeline")) {
            timeline.add(step(map(entry, "timeline[" + index + "]"), "timeline[" + index + "]", subscribers.keySet()));
            index++;
        }
        return new Scenario(name, subscribers, timeline, expectation(map(root.get("expect"), "expect"), "expect",
                subscribers.keySet()));
    }

    private static Step step(Map<String, Object> step, String where, java.util.Set<String> known) {
        if (step.containsKey("usage")) {
            Map<String, Object> usage = map(step.get("usage"), where + ".usage");
            String subscriber = reference(usage.get("subscriber"), where + ".usage.subscriber", known);
            int repeat = ((Number) step.getOrDefault("repeat", usage.getOrDefault("repeat", 1))).intValue();
            return new Step.Usage(subscriber, decimal(usage.get("charge"), where + ".usage.charge"), repeat);
        }
        if (step.containsKey("gateway")) {
            String state = string(step.get("gateway"), where + ".gateway");
            if (!state.equals("outage") && !state.equals("recovered")) {
                throw new IllegalArgumentException(where + ".gateway: 'outage' or 'recovered', not '" + state + "'");
            }
            return new Step.Gateway(state.equals("recovered"));
        }
        if (step.containsKey("wait")) {
            return new Step.Wait(duration(step.get("wait"), where + ".wait"));
        }
        if (step.containsKey("expect")) {
            return new Step.Check(expectation(map(step.get("expect"), where + ".expect"), where + ".expect", known));
        }
        throw new IllegalArgumentException(where + ": a step is one of usage, gateway, wait, expect; got " + step.keySet());
    }

    private static Expectation expectation(Map<String, Object> expect, String where, java.util.Set<String> known) {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        map(expect.get("subscribers"), where + ".subscribers").forEach((ref, value) -> {
            reference(ref, where + ".subscribers", known);
            Map<String, Object> fields = map(value, where + ".subscribers." + ref);
            List<String> texts = null;
            if (fields.containsKey("texts")) {
                texts = new ArrayList<>();
                for (Object text : list(fields.get("texts"), where + ".subscribers." + ref + ".texts")) {
                    texts.add(String.valueOf(text));
                }
            }
            outcomes.put(ref, new Outcome(
                    fields.containsKey("balance") ? decimal(fields.get("balance"), where + "." + ref + ".balance") : null,
                    fields.containsKey("charges") ? ((Number) fields.get("charges")).intValue() : null,
                    fields.containsKey("declines") ? ((Number) fields.get("declines")).intValue() : null,
                    texts, fields.containsKey("rule") ? string(fields.get("rule"), where + "." + ref + ".rule") : null));
        });
        return new Expectation(duration(expect.getOrDefault("within", "60s"), where + ".within"),
                expect.containsKey("during") ? duration(expect.get("during"), where + ".during") : null, outcomes);
    }

    private static String reference(Object value, String where, java.util.Set<String> known) {
        String ref = string(value, where);
        if (!known.contains(ref)) {
            throw new IllegalArgumentException(where + ": no subscriber '" + ref + "' (known: " + known + ")");
        }
        return ref;
    }

    static Duration duration(Object value, String where) {
        String text = string(value, where).trim();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(where + ": a duration such as 500ms, 5s or 2m, not '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + " must be a mapping");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((key, item) -> result.put(String.valueOf(key), item));
        return result;
    }

    private static List<?> list(Object value, String where) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(where + " must be a list");
        }
        return list;
    }

    private static String string(Object value, String where) {
        if (value == null) {
            throw new IllegalArgumentException(where + " is missing");
        }
        return String.valueOf(value);
    }

    private static BigDecimal decimal(Object value, String where) {
        try {
            return new BigDecimal(string(value, where));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": not an amount: " + value);
        }
    }
}
