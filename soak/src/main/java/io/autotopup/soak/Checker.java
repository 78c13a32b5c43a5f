package io.autotopup.soak;

import io.autotopup.events.BalanceChangeReason;
import io.autotopup.events.BalanceChanged;
import io.autotopup.events.SmsRequested;
import io.autotopup.events.SubscriberRegistered;
import io.autotopup.events.TopUpCompleted;
import io.autotopup.events.TopUpFailed;
import io.autotopup.events.TopUpRequested;
import io.autotopup.events.UsageRecorded;
import io.autotopup.platform.streams.DeadLetters;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.sandbox.smsc.SmsCentreSimulator;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Counts every record in and out, independent of the services' code: it reads the topics from the start (committed
 * records only), the gateway's list of charges and the SMS centre's inbox, and checks the promises the product makes.
 * Money: each subscriber's ledger is an unbroken chain from the opening balance; every distinct usage event of a
 * known subscriber is charged exactly once, at its amount; every completed top-up is credited exactly once; successful
 * gateway charges, completed top-ups and TOP_UP entries match one to one by request, no idempotency key is charged
 * twice, every request ends in exactly one final outcome. Texts: every credited top-up is texted, duplicates counted.
 * Dead letters: every poison record and unknown number is there with a reason, and nothing else is.
 */
final class Checker {

    /** One promise and how often it was broken; a few examples of the breaks. */
    record Invariant(String name, boolean money, long checked, long violations, List<String> examples) {
    }

    record Verdict(List<Invariant> invariants, Map<String, Long> counts) {

        long moneyViolations() {
            return invariants.stream().filter(Invariant::money).mapToLong(Invariant::violations).sum();
        }

        long violations() {
            return invariants.stream().mapToLong(Invariant::violations).sum();
        }
    }

    private final String bootstrap;
    private final List<Invariant> invariants = new ArrayList<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();
    /** The consumer a check reads with. */
    private KafkaConsumer<String, byte[]> reader;

    Checker(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /**
     * @param gatewayCharges    the gateway's list of every charge attempt, asked for after the outcomes are read (a charge
     *                          comes before its outcome, so every outcome read has its charge in the list)
     * @param inbox             every text the SMS centre received, asked for after the texts asked for are read
     * @param balanceOf         the balance the API answers for a subscriber (null: not asked)
     * @param armedBelowThreshold the subscribers whose rule is ARMED with nothing in flight although below the threshold
     */
    Verdict check(java.util.function.Supplier<List<SandboxGateway.Charge>> gatewayCharges,
            java.util.function.Supplier<List<SmsCentreSimulator.ReceivedSms>> inbox,
            java.util.function.Function<String, Long> balanceOf,
            java.util.function.Function<Set<String>, List<String>> armedBelowThreshold) {
        // one consumer reads every topic in turn: a new one for each of the thirty-odd topics took seconds of set-up
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            reader = consumer;
            return checkAll(gatewayCharges, inbox, balanceOf, armedBelowThreshold);
        } finally {
            reader = null;
        }
    }

    private Verdict checkAll(java.util.function.Supplier<List<SandboxGateway.Charge>> gatewayCharges,
            java.util.function.Supplier<List<SmsCentreSimulator.ReceivedSms>> inbox,
            java.util.function.Function<String, Long> balanceOf,
            java.util.function.Function<Set<String>, List<String>> armedBelowThreshold) {
        Map<String, SubscriberRegistered> byMsisdn = new HashMap<>();
        Map<String, SubscriberRegistered> byId = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : read(Topics.SUBSCRIBERS.name())) {
            if (decode(Topics.SUBSCRIBERS, record) instanceof SubscriberRegistered registered) {
                byMsisdn.put(registered.getMsisdn(), registered);
                byId.put(registered.getSubscriberId(), registered);
            }
        }

        // usage: what the carrier sent, distinct by event; poison and strangers expected in the dead letters
        Map<String, UsageRecorded> usage = new HashMap<>();
        long poison = 0;
        long strangers = 0;
        long usageRecords = 0;
        for (ConsumerRecord<String, byte[]> record : read(Topics.USAGE_EVENTS.name())) {
            usageRecords++;
            UsageRecorded event;
            try {
                event = Topics.USAGE_EVENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
            } catch (RuntimeException notAvro) {
                poison++;
                continue;
            }
            if (!byMsisdn.containsKey(event.getMsisdn())) {
                strangers++;
                continue;
            }
            usage.putIfAbsent(event.getCarrierId() + ":" + event.getEventId(), event);
        }
        counts.put("usage records on the topic", usageRecords);
        counts.put("distinct usage events of known subscribers", (long) usage.size());
        counts.put("poison records", poison);
        counts.put("usage for unknown numbers", strangers);

        // the ledger
        Map<String, List<BalanceChanged>> ledger = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : read(Topics.BALANCE_CHANGES.name())) {
            BalanceChanged change = Topics.BALANCE_CHANGES.valueSerde().deserializer().deserialize(record.topic(), record.value());
            ledger.computeIfAbsent(change.getSubscriberId(), id -> new ArrayList<>()).add(change);
        }
        List<String> chainBreaks = new ArrayList<>();
        long chainChecked = 0;
        Map<String, Integer> usageApplied = new HashMap<>();
        Map<String, Long> usageDelta = new HashMap<>();
        Map<String, Integer> topUpsCredited = new HashMap<>();
        Map<String, Long> topUpDelta = new HashMap<>();
        Map<String, String> topUpEntryEvent = new HashMap<>();
        Map<String, Long> finalBalance = new HashMap<>();
        for (Map.Entry<String, List<BalanceChanged>> subscriber : ledger.entrySet()) {
            TreeMap<Long, BalanceChanged> byVersion = new TreeMap<>();
            for (BalanceChanged change : subscriber.getValue()) {
                chainChecked++;
                if (byVersion.put(change.getVersion(), change) != null) {
                    chainBreaks.add(subscriber.getKey() + ": version " + change.getVersion() + " written twice");
                }
            }
            // version 1 is the opening balance, credited onto zero
            long expectedPrevious = 0;
            long expectedVersion = 1;
            for (BalanceChanged change : byVersion.values()) {
                if (change.getVersion() != expectedVersion) {
                    chainBreaks.add(subscriber.getKey() + ": version " + change.getVersion() + " follows " + (expectedVersion - 1));
                }
                if (change.getPreviousBalance().getMinorUnits() != expectedPrevious
                        || change.getNewBalance().getMinorUnits() != expectedPrevious + change.getDelta().getMinorUnits()) {
                    chainBreaks.add(subscriber.getKey() + " v" + change.getVersion() + ": " + change.getPreviousBalance().getMinorUnits()
                            + " + " + change.getDelta().getMinorUnits() + " = " + change.getNewBalance().getMinorUnits()
                            + ", the chain had " + expectedPrevious);
                }
                expectedPrevious = change.getNewBalance().getMinorUnits();
                expectedVersion = change.getVersion() + 1;
                if (change.getReason() == BalanceChangeReason.USAGE) {
                    usageApplied.merge(change.getCausationId(), 1, Integer::sum);
                    usageDelta.put(change.getCausationId(), change.getDelta().getMinorUnits());
                } else if (change.getReason() == BalanceChangeReason.TOP_UP) {
                    topUpsCredited.merge(change.getCausationId(), 1, Integer::sum);
                    topUpDelta.put(change.getCausationId(), change.getDelta().getMinorUnits());
                    topUpEntryEvent.put(change.getCausationId(), change.getEventId());
                }
            }
            finalBalance.put(subscriber.getKey(), expectedPrevious);
        }
        List<String> openings = new ArrayList<>();
        byId.forEach((id, registered) -> {
            long opening = registered.getOpeningBalance() == null ? 0 : registered.getOpeningBalance().getMinorUnits();
            List<BalanceChanged> entries = ledger.getOrDefault(id, List.of());
            BalanceChanged first = entries.stream().filter(change -> change.getVersion() == 1).findFirst().orElse(null);
            if (opening != 0 && (first == null || first.getDelta().getMinorUnits() != opening)) {
                openings.add(id + ": opened with " + opening + ", the ledger's first entry is " + (first == null ? "missing"
                        : first.getDelta().getMinorUnits() + " (" + first.getReason() + ")"));
            }
        });
        add("ledger: every subscriber's first entry is their opening balance", true, byId.size(), openings);
        add("ledger: each subscriber's entries are versions 1, 2, 3… and each starts where the one before ended (from zero)",
                true, chainChecked, chainBreaks);

        List<String> usageBreaks = new ArrayList<>();
        usage.forEach((key, event) -> {
            int applied = usageApplied.getOrDefault(key, 0);
            if (applied != 1) {
                usageBreaks.add(key + " applied " + applied + " times");
            } else if (usageDelta.get(key) != -event.getCharge().getMinorUnits()) {
                usageBreaks.add(key + " charged " + -usageDelta.get(key) + ", not " + event.getCharge().getMinorUnits());
            }
        });
        usageApplied.keySet().stream().filter(key -> !usage.containsKey(key))
                .forEach(key -> usageBreaks.add(key + " charged, but no such usage event was sent"));
        add("usage: every distinct usage event of a known subscriber is charged exactly once, at its amount", true, usage.size(),
                usageBreaks);

        // top-ups: requests, outcomes, gateway charges
        Map<String, TopUpRequested> requests = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : read(Topics.TOP_UP_REQUESTS.name())) {
            TopUpRequested request = Topics.TOP_UP_REQUESTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
            requests.putIfAbsent(request.getRequestId(), request);
        }
        Map<String, Integer> completedCount = new HashMap<>();
        Map<String, TopUpCompleted> completed = new HashMap<>();
        Map<String, Integer> finalFailures = new HashMap<>();
        long dryRuns = 0;
        for (ConsumerRecord<String, byte[]> record : read(Topics.TOP_UP_OUTCOMES.name())) {
            Object outcome = decode(Topics.TOP_UP_OUTCOMES, record);
            if (outcome instanceof TopUpCompleted done) {
                if ("dry-run".equals(done.getPaymentReference())) {
                    dryRuns++;
                    continue;
                }
                completedCount.merge(done.getRequestId(), 1, Integer::sum);
                completed.put(done.getRequestId(), done);
            } else if (outcome instanceof TopUpFailed failed && failed.getIsFinal()) {
                finalFailures.merge(failed.getRequestId(), 1, Integer::sum);
            }
        }
        counts.put("top-ups requested", (long) requests.size());
        counts.put("top-ups completed", (long) completed.size());
        counts.put("top-ups failed for good", (long) finalFailures.size());
        counts.put("dry runs", dryRuns);

        List<String> outcomeBreaks = new ArrayList<>();
        for (String requestId : requests.keySet()) {
            int finals = completedCount.getOrDefault(requestId, 0) + finalFailures.getOrDefault(requestId, 0);
            if (finals != 1) {
                outcomeBreaks.add(requestId + " has " + finals + " final outcomes (completed " + completedCount.getOrDefault(requestId, 0)
                        + ", failed " + finalFailures.getOrDefault(requestId, 0) + ")");
            }
        }
        add("top-ups: every request ends in exactly one final outcome", true, requests.size(), outcomeBreaks);

        List<String> creditBreaks = new ArrayList<>();
        completed.forEach((requestId, done) -> {
            int credited = topUpsCredited.getOrDefault(requestId, 0);
            if (credited != 1) {
                creditBreaks.add(requestId + " completed, credited " + credited + " times");
            } else if (topUpDelta.get(requestId) != done.getAmount().getMinorUnits()) {
                creditBreaks.add(requestId + " credited " + topUpDelta.get(requestId) + ", charged " + done.getAmount().getMinorUnits());
            }
        });
        topUpsCredited.keySet().stream().filter(id -> !completed.containsKey(id))
                .forEach(id -> creditBreaks.add(id + " credited without a completed top-up"));
        add("top-ups: TopUpCompleted and TOP_UP ledger entries match one to one, at the same amount", true, completed.size(),
                creditBreaks);

        Map<String, Integer> succeededByKey = new HashMap<>();
        Map<String, Integer> succeededByRequest = new HashMap<>();
        Map<String, Long> chargedByRequest = new HashMap<>();
        long charges = 0;
        for (SandboxGateway.Charge charge : gatewayCharges.get()) {
            charges++;
            if (!"succeeded".equals(charge.status())) {
                continue;
            }
            succeededByKey.merge(charge.idempotencyKey(), 1, Integer::sum);
            String requestId = requestOf(charge.idempotencyKey(), requests.keySet());
            succeededByRequest.merge(requestId, 1, Integer::sum);
            chargedByRequest.merge(requestId, charge.amount(), Long::sum);
        }
        counts.put("gateway charge attempts recorded", charges);
        counts.put("gateway charges that succeeded", succeededByKey.values().stream().mapToLong(Integer::longValue).sum());
        List<String> chargeBreaks = new ArrayList<>();
        succeededByKey.forEach((key, times) -> {
            if (times > 1) {
                chargeBreaks.add("idempotency key " + key + " charged " + times + " times");
            }
        });
        succeededByRequest.forEach((requestId, times) -> {
            if (times > 1) {
                chargeBreaks.add("request " + requestId + " charged " + times + " times");
            }
            if (!completed.containsKey(requestId)) {
                chargeBreaks.add("request " + requestId + " charged " + chargedByRequest.get(requestId)
                        + " at the gateway, but never completed (money taken, not credited)");
            }
        });
        completed.forEach((requestId, done) -> {
            if (!succeededByRequest.containsKey(requestId)) {
                chargeBreaks.add("request " + requestId + " completed without a successful charge");
            } else if (chargedByRequest.get(requestId) != done.getAmount().getMinorUnits()) {
                chargeBreaks.add("request " + requestId + " charged " + chargedByRequest.get(requestId) + ", completed for "
                        + done.getAmount().getMinorUnits());
            }
        });
        add("gateway: successful charges and completed top-ups match one to one by request; no key charged twice", true,
                completed.size() + succeededByRequest.size(), chargeBreaks);

        // the balance the API answers is the ledger's last word
        if (balanceOf != null) {
            List<String> balanceBreaks = java.util.Collections.synchronizedList(new ArrayList<>());
            // ten thousand questions: eight at a time, as eight people would ask
            java.util.concurrent.ForkJoinPool askers = new java.util.concurrent.ForkJoinPool(8);
            try {
                askers.submit(() -> byId.keySet().parallelStream().forEach(id -> {
                    long expected = finalBalance.getOrDefault(id, 0L);
                    Long answered = balanceOf.apply(id);
                    if (answered == null || answered != expected) {
                        balanceBreaks.add(id + ": the API answers " + answered + ", the ledger says " + expected);
                    }
                })).join();
            } finally {
                askers.shutdown();
            }
            add("balance: the API's balance = opening − usage charged + top-ups credited", true, byId.size(), balanceBreaks);
        }

        // nobody left stranded
        if (armedBelowThreshold != null) {
            Set<String> below = new HashSet<>();
            byId.keySet().forEach(id -> {
                Long balance = finalBalance.get(id);
                if (balance != null && balance < Feed.THRESHOLD) {
                    below.add(id);
                }
            });
            counts.put("subscribers below the threshold at the end", (long) below.size());
            add("rules: nobody is left below the threshold with an armed rule and no top-up in flight", false, below.size(),
                    armedBelowThreshold.apply(below));
        }

        // texts
        Map<String, Set<String>> requestedTexts = new HashMap<>();
        Set<String> textedSources = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : read(Topics.NOTIFICATIONS.name())) {
            if (decode(Topics.NOTIFICATIONS, record) instanceof SmsRequested sms) {
                requestedTexts.computeIfAbsent(digits(sms.getMsisdn()), number -> new HashSet<>()).add(sms.getSmsId());
                textedSources.add(sms.getSourceEventId());
            }
        }
        Map<String, Integer> received = new HashMap<>();
        for (SmsCentreSimulator.ReceivedSms sms : inbox.get()) {
            received.merge(digits(sms.to()), 1, Integer::sum);
        }
        List<String> textBreaks = new ArrayList<>();
        topUpEntryEvent.forEach((requestId, eventId) -> {
            if (!textedSources.contains("balance:" + eventId)) {
                textBreaks.add(requestId + " credited (" + eventId + ") but no text asked for");
            }
        });
        long duplicates = 0;
        long missing = 0;
        for (Map.Entry<String, Set<String>> number : requestedTexts.entrySet()) {
            int got = received.getOrDefault(number.getKey(), 0);
            if (got > number.getValue().size()) {
                duplicates += got - number.getValue().size();
            } else if (got < number.getValue().size()) {
                missing += number.getValue().size() - got;
                textBreaks.add("+" + number.getKey() + ": " + number.getValue().size() + " texts asked for, " + got + " arrived");
            }
        }
        counts.put("texts asked for", requestedTexts.values().stream().mapToLong(Set::size).sum());
        counts.put("texts at the SMS centre", received.values().stream().mapToLong(Integer::longValue).sum());
        counts.put("duplicate texts (SMPP is at least once)", duplicates);
        counts.put("texts asked for that never arrived", missing);
        add("texts: every credited top-up is texted, and every text asked for arrives", false, topUpEntryEvent.size(), textBreaks);

        // dead letters
        long usageDeadLetters = 0;
        long expectedLetters = 0;
        List<String> deadLetterBreaks = new ArrayList<>();
        Set<String> letterOrigins = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : read(Topics.USAGE_EVENTS.deadLetterTopic())) {
            usageDeadLetters++;
            String reason = header(record, DeadLetters.REASON_CODE_HEADER);
            String origin = header(record, DeadLetters.ORIGINAL_TOPIC_HEADER) + "-" + header(record, DeadLetters.ORIGINAL_PARTITION_HEADER)
                    + "@" + header(record, DeadLetters.ORIGINAL_OFFSET_HEADER);
            if (reason == null) {
                deadLetterBreaks.add(record.topic() + "@" + record.offset() + " has no reason header");
            }
            if (!origin.equals("null-null@null") && !letterOrigins.add(origin)) {
                deadLetterBreaks.add("the usage record at " + origin + " was dead-lettered twice (" + reason + ")");
                continue;
            }
            UsageRecorded letter;
            try {
                letter = Topics.USAGE_EVENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
            } catch (RuntimeException notAvro) {
                expectedLetters++;
                continue;
            }
            if (letter == null || !byMsisdn.containsKey(letter.getMsisdn())) {
                expectedLetters++;
            } else {
                deadLetterBreaks.add("usage " + letter.getCarrierId() + ":" + letter.getEventId() + " of a known subscriber refused: "
                        + reason + " (" + header(record, DeadLetters.DETAIL_HEADER) + ")");
            }
        }
        if (expectedLetters != poison + strangers) {
            deadLetterBreaks.add(Topics.USAGE_EVENTS.deadLetterTopic() + " holds " + expectedLetters + " poison records and usage of "
                    + "unknown numbers; " + poison + " poison and " + strangers + " for unknown numbers were sent");
        }
        for (Topic<String, ?> topic : Topics.ALL) {
            if (topic == Topics.USAGE_EVENTS) {
                continue;
            }
            long letters = countOrZero(topic.deadLetterTopic());
            if (letters > 0) {
                deadLetterBreaks.add(topic.deadLetterTopic() + " holds " + letters + " records; nothing bad was sent there");
            }
        }
        counts.put("usage dead letters", usageDeadLetters);
        add("dead letters: every poison record and unknown number is there with its reason, and nothing else", false,
                poison + strangers, deadLetterBreaks);
        return new Verdict(List.copyOf(invariants), Map.copyOf(counts));
    }

    /**
     * The verdict with payment-service's reconciliation of the run (its {@code POST /v1/reconciliations} report): every
     * discrepancy it found, repaired or reported, breaks the promise that charges and outcomes agree.
     */
    static Verdict withReconciliation(Verdict verdict, com.fasterxml.jackson.databind.JsonNode report) {
        List<String> breaks = new ArrayList<>();
        report.path("discrepancies").forEach(found -> breaks.add(found.path("kind").asText() + " "
                + found.path("resolution").asText() + " " + found.path("requestId").asText() + ": " + found.path("detail").asText()));
        List<Invariant> invariants = new ArrayList<>(verdict.invariants());
        invariants.add(new Invariant("reconciliation: the gateway's charges and the recorded top-ups agree (nothing repaired, "
                + "nothing reported)", true, report.path("chargesCompared").asLong(), breaks.size(),
                breaks.stream().limit(10).toList()));
        Map<String, Long> counts = new LinkedHashMap<>(verdict.counts());
        counts.put("reconciliation: charges compared", report.path("chargesCompared").asLong());
        counts.put("reconciliation: recorded top-ups compared", report.path("outcomesCompared").asLong());
        return new Verdict(List.copyOf(invariants), Map.copyOf(counts));
    }

    private void add(String name, boolean money, long checked, List<String> breaks) {
        invariants.add(new Invariant(name, money, checked, breaks.size(), breaks.stream().limit(10).toList()));
    }

    /** Charges are keyed {@code topup-<requestId>-<paymentMethodId>} (docs/payments.md). */
    private static String requestOf(String idempotencyKey, Set<String> requestIds) {
        if (idempotencyKey.startsWith("topup-")) {
            String rest = idempotencyKey.substring("topup-".length());
            for (int dash = rest.lastIndexOf('-'); dash > 0; dash = rest.lastIndexOf('-', dash - 1)) {
                if (requestIds.contains(rest.substring(0, dash))) {
                    return rest.substring(0, dash);
                }
            }
        }
        return idempotencyKey;
    }

    /**
     * A dead letter's header as text. Our topology writes the original partition and offset as text; spring-kafka's
     * recoverer writes them as a 4-byte int and an 8-byte long, so those are read as numbers.
     */
    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            return null;
        }
        byte[] value = header.value();
        boolean number = name.equals(DeadLetters.ORIGINAL_PARTITION_HEADER) || name.equals(DeadLetters.ORIGINAL_OFFSET_HEADER);
        if (number && value.length == Integer.BYTES && !digitsOnly(value)) {
            return Integer.toString(java.nio.ByteBuffer.wrap(value).getInt());
        }
        if (number && value.length == Long.BYTES && !digitsOnly(value)) {
            return Long.toString(java.nio.ByteBuffer.wrap(value).getLong());
        }
        return new String(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static boolean digitsOnly(byte[] value) {
        for (byte b : value) {
            if (b < '0' || b > '9') {
                return false;
            }
        }
        return true;
    }

    private static String digits(String msisdn) {
        return msisdn.startsWith("+") ? msisdn.substring(1) : msisdn;
    }

    private static Object decode(Topic<String, ?> topic, ConsumerRecord<String, byte[]> record) {
        return topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    private long countOrZero(String topic) {
        try {
            return read(topic).size();
        } catch (IllegalStateException absent) {
            return 0;
        }
    }

    /** Every committed record of a topic, from its start to its end as of now. */
    private List<ConsumerRecord<String, byte[]>> read(String topic) {
        KafkaConsumer<String, byte[]> consumer = reader;
        var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("no topic " + topic);
        }
        List<TopicPartition> partitions = infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end within 5 minutes");
            }
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

}
