package io.autotopup.topupctl;

import static io.autotopup.schemas.Events.money;
import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.events.Language;
import io.autotopup.events.SmsMessageType;
import io.autotopup.events.SmsRequested;
import io.autotopup.events.UsageRecorded;
import io.autotopup.events.UsageType;
import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.platform.testing.TestBrokers;
import io.autotopup.platform.testing.TestIssuer;
import io.autotopup.schemas.AvroSerde;
import io.autotopup.schemas.EventHeaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import picocli.CommandLine;

/** topupctl's topic commands against a real broker: tail, export and import, replay. */
class TopicFilesIT {

    /**
     * When the test records were made: an hour ago, never a fixed date. The broker deletes records older than its
     * retention (7 days by default) while the tests run, and refuses ones too far in the future.
     */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1));
    private static final AvroSerde<SpecificRecord> EVENTS = AvroSerde.anyEvent();

    private static EmbeddedKafkaKraftBroker broker;
    private static KafkaOptions kafka;
    /** The authorization server, as far as topupctl needs one: client credentials for two clients. */
    private static final TestIssuer AUTH = TestIssuer.start().client("topupctl", "operator-secret", "topics:replay", "subscribers:read")
            .client("reporting", "reporting-secret", "subscribers:read");

    @TempDir
    Path files;

    @BeforeAll
    static void startBroker() {
        broker = TestBrokers.singleBroker();
        kafka = KafkaOptions.of(broker.getBrokersAsString());
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
        AUTH.close();
    }

    @Test
    void a_client_that_may_not_replay_is_told_so_and_nothing_is_written() throws Exception {
        createTopic("guarded-source");
        try (KafkaProducer<String, byte[]> producer = kafka.producer(null, Map.of())) {
            producer.send(new ProducerRecord<>("guarded-source", null, T0.toEpochMilli(), "k", value(1))).get();
        }
        Path file = files.resolve("one.jsonl");
        assertThat(run("export", "guarded-source", "--output", file.toString()).code()).isZero();

        Run replay = runAs("reporting", "reporting-secret", "replay", "--topic", "guarded-source", "--from", T0.minusSeconds(1).toString(),
                "--to", T0.plusSeconds(1).toString(), "--to-topic", "guarded-target");
        Run imported = runAs("reporting", "reporting-secret", "import", file.toString(), "--to", "guarded-target");
        Run wrongSecret = runAs("topupctl", "not-the-secret", "import", file.toString(), "--to", "guarded-target");

        assertThat(replay.code()).isEqualTo(TopUpCtl.NOT_ALLOWED);
        assertThat(replay.err()).contains("not allowed: Client reporting may not do this: it has no scope topics:replay");
        assertThat(imported.code()).isEqualTo(TopUpCtl.NOT_ALLOWED);
        assertThat(wrongSecret.err()).contains("does not know client topupctl with this secret");
        assertThat(records("guarded-target")).isEmpty();
    }

    @Test
    void export_then_import_into_a_fresh_topic_then_export_again_gives_the_same_file() throws Exception {
        createTopic("round-trip-source");
        try (KafkaProducer<String, byte[]> producer = kafka.producer(null, Map.of())) {
            for (int i = 0; i < 30; i++) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>("round-trip-source", null,
                        T0.plusSeconds(i / 3).toEpochMilli(), "+85620555" + String.format("%05d", i % 7), value(i));
                record.headers().add("traceparent", ("00-" + "a".repeat(32) + "-" + String.format("%016x", i) + "-01")
                        .getBytes(StandardCharsets.UTF_8));
                record.headers().add("binary", new byte[] {(byte) 0xc3, (byte) i});
                producer.send(record);
            }
            producer.send(new ProducerRecord<>("round-trip-source", null, T0.plusSeconds(20).toEpochMilli(), "sub-gone", (byte[]) null));
            producer.send(new ProducerRecord<>("round-trip-source", null, T0.plusSeconds(21).toEpochMilli(), "poison",
                    "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8)));
        }
        Path first = files.resolve("first.jsonl");
        Path second = files.resolve("second.jsonl");

        assertThat(run("export", "round-trip-source", "--output", first.toString()).code()).isZero();
        Run imported = run("import", first.toString(), "--to", "round-trip-copy");
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(run("export", "round-trip-copy", "--output", second.toString()).code()).isZero();

        assertThat(Files.readAllLines(first)).hasSize(32);
        assertThat(Files.readString(second)).isEqualTo(Files.readString(first));
        assertThat(imported.err()).contains("created topic round-trip-copy").contains("imported 32 records into round-trip-copy");
    }

    @Test
    void an_import_with_one_bad_line_writes_nothing_and_names_the_line() throws Exception {
        createTopic("import-target");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add("{\"key\":\"+856205550000" + i + "\",\"timestamp\":\"" + T0.plusSeconds(i) + "\",\"headers\":[],"
                    + "\"type\":\"UsageRecorded\",\"value\":" + usageJson("cdr-" + i, i == 2 ? "\"eight thousand\"" : "8000") + "}");
        }
        Path file = files.resolve("usage.jsonl");
        Files.write(file, lines);

        Run run = run("import", file.toString(), "--to", "import-target");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains(file + ":3: value is not a valid UsageRecorded")
                .doesNotContain(file + ":1:").doesNotContain(file + ":4:")
                .contains("nothing was written to import-target: 1 of 5 lines are bad");
        assertThat(records("import-target")).isEmpty();

        lines.set(2, lines.get(2).replace("\"eight thousand\"", "8000"));
        Files.write(file, lines);
        assertThat(run("import", file.toString(), "--to", "import-target").code()).isZero();
        assertThat(records("import-target")).hasSize(5);
    }

    @Test
    void tail_prints_the_newest_records_with_their_position_and_filters_by_key() throws Exception {
        createTopic("tail-source");
        try (KafkaProducer<String, byte[]> producer = kafka.producer(null, Map.of())) {
            for (int i = 0; i < 12; i++) {
                producer.send(new ProducerRecord<>("tail-source", null, T0.plusSeconds(i).toEpochMilli(), i % 2 == 0 ? "even" : "odd",
                        value(i * 3)));
            }
        }

        List<String> newest = run("tail", "tail-source", "--last", "3").out().lines().toList();
        List<String> odd = run("tail", "tail-source", "--from-beginning", "--key", "odd").out().lines().toList();

        assertThat(newest).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("{\"topic\":\"tail-source\",\"partition\":"));
        assertThat(newest.get(2)).contains("\"timestamp\":\"" + T0.plusSeconds(11) + "\"");
        assertThat(odd).hasSize(6).allSatisfy(line -> assertThat(line).contains("\"key\":\"odd\"").contains("\"offset\":"));
    }

    @Test
    void tail_shows_the_newest_records_of_a_topic_written_in_transactions_whose_markers_take_offsets_too() throws Exception {
        createTopic("tail-transactional");
        try (KafkaProducer<String, byte[]> producer = kafka.producer("tail-test", Map.of())) {
            producer.initTransactions();
            for (int i = 0; i < 12; i++) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tail-transactional", null, T0.plusSeconds(i).toEpochMilli(), "sub-1", value(i)));
                producer.commitTransaction();
            }
        }
        CommittedRecords.awaitSettled(broker.getBrokersAsString(), List.of("tail-transactional"));

        List<String> newest = run("tail", "tail-transactional", "--last", "3").out().lines().toList();

        assertThat(newest).hasSize(3);
        assertThat(newest.get(0)).contains("\"timestamp\":\"" + T0.plusSeconds(9) + "\"");
        assertThat(newest.get(2)).contains("\"timestamp\":\"" + T0.plusSeconds(11) + "\"");
    }

    @Test
    void replay_copies_a_time_window_with_keys_timestamps_and_headers_and_resumes_after_an_interruption() throws Exception {
        createTopic("replay-source");
        List<Future<RecordMetadata>> writes = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = kafka.producer(null, Map.of())) {
            for (int i = 0; i < 300; i++) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>("replay-source", null,
                        T0.plusSeconds(i).toEpochMilli(), "key-" + (i % 11), value(i));
                record.headers().add(new RecordHeader("carrier-batch", ("b" + i).getBytes(StandardCharsets.UTF_8)));
                writes.add(producer.send(record));
            }
        }
        for (Future<RecordMetadata> write : writes) {
            write.get(); // a write the broker refused fails here, not as a missing copy later
        }
        String[] replay = {"replay", "--topic", "replay-source", "--from", T0.plusSeconds(50).toString(),
                "--to", T0.plusSeconds(250).toString(), "--to-topic", "replay-target", "--rate", "1000"};
        createTopic("replay-target");

        ReplayCommand first = new ReplayCommand();
        first.onCopied(copied -> {
            if (copied == 60) {
                first.interrupt();
            }
        });
        Run stopped = run(first, replay);
        int copiedBefore = records("replay-target").size();
        Run resumed = run(new ReplayCommand(), replay);

        assertThat(stopped.code()).as(stopped.err()).isEqualTo(130);
        assertThat(stopped.err()).contains("interrupted after 60 records; run the same command again to resume");
        assertThat(copiedBefore).as("what was copied before the interruption is there").isEqualTo(60);
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.err()).as(() -> "where the window starts, per partition: " + windowStarts("replay-source", T0.plusSeconds(50)))
                .contains("resuming").contains("replayed 140 records of replay-source into replay-target");
        Map<String, ConsumerRecord<String, byte[]>> source = records("replay-source").stream()
                .collect(Collectors.toMap(record -> record.topic() + "/" + record.partition() + "/" + record.offset(), r -> r));
        List<ConsumerRecord<String, byte[]>> copies = records("replay-target");
        assertThat(copies).as("each record of the window once, none outside it").hasSize(200);
        Set<String> origins = copies.stream().map(copy -> EventHeaders.text(copy.headers(), EventHeaders.REPLAYED_FROM))
                .collect(Collectors.toSet());
        assertThat(origins).hasSize(200);
        for (ConsumerRecord<String, byte[]> copy : copies) {
            ConsumerRecord<String, byte[]> original = source.get(EventHeaders.text(copy.headers(), EventHeaders.REPLAYED_FROM));
            assertThat(copy.key()).isEqualTo(original.key());
            assertThat(copy.timestamp()).isEqualTo(original.timestamp()).isBetween(T0.plusSeconds(50).toEpochMilli(),
                    T0.plusSeconds(249).toEpochMilli());
            assertThat(copy.value()).isEqualTo(original.value());
            assertThat(EventHeaders.text(copy.headers(), "carrier-batch")).isEqualTo(EventHeaders.text(original.headers(), "carrier-batch"));
        }
    }

    private static byte[] value(int i) {
        SpecificRecord event = i % 3 == 0
                ? SmsRequested.newBuilder().setSmsId("sms-" + i).setSubscriberId("sub-" + i).setMsisdn("+8562055500001")
                        .setLanguage(Language.LO).setMessageType(SmsMessageType.LOW_BALANCE).setText("ເງິນຂອງທ່ານໜ້ອຍ " + i)
                        .setSourceEventId("bc-" + i).setRequestedAt(T0).build()
                : UsageRecorded.newBuilder().setEventId("cdr-" + i).setCarrierId("unitel").setMsisdn("+8562055500001")
                        .setUsageType(UsageType.VOICE).setUnits(60).setUnit("SECOND").setCharge(money(1_000L * i, "LAK"))
                        .setOccurredAt(T0.plusSeconds(i)).build();
        return EVENTS.serialize("any", event);
    }

    private static String usageJson(String eventId, String charge) {
        return "{\"eventId\":\"" + eventId + "\",\"carrierId\":\"unitel\",\"msisdn\":\"+8562055500001\",\"usageType\":\"DATA\","
                + "\"units\":100,\"unit\":\"MB\",\"charge\":{\"minorUnits\":" + charge + ",\"currency\":\"LAK\"},"
                + "\"occurredAt\":1795489200000}";
    }

    /**
     * Per partition, the offset of the first record at or after {@code from} as the records say and as the broker's
     * offsets-for-times answers: for a failure to say whether the replay started in the wrong place or the broker
     * pointed it there.
     */
    private static String windowStarts(String topic, Instant from) {
        Map<Integer, Long> byRecords = new TreeMap<>();
        Map<Integer, Long> counts = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : records(topic)) {
            counts.merge(record.partition(), 1L, Long::sum);
            if (record.timestamp() >= from.toEpochMilli()) {
                byRecords.merge(record.partition(), record.offset(), Math::min);
            }
        }
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(null)) {
            Map<TopicPartition, Long> query = new HashMap<>();
            KafkaOptions.partitions(consumer, topic).forEach(partition -> query.put(partition, from.toEpochMilli()));
            Map<Integer, Long> byBroker = new TreeMap<>();
            consumer.offsetsForTimes(query).forEach((partition, found) -> byBroker.put(partition.partition(),
                    found == null ? null : found.offset()));
            return "records " + byRecords + ", broker " + byBroker + " (records per partition " + counts + ")";
        }
    }

    /** Three partitions, made as topupctl makes a topic it imports into: written to only once their leaders have them. */
    private static void createTopic(String topic) {
        assertThat(kafka.ensureTopic(topic, 3)).as(topic + " is new").isTrue();
    }

    /** Every committed record of the topic, or none if it does not exist. */
    private static List<ConsumerRecord<String, byte[]>> records(String topic) {
        return CommittedRecords.of(broker.getBrokersAsString(), topic);
    }

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        return run(null, args);
    }

    private static Run run(Object command, String... args) {
        return runAs(command, "topupctl", "operator-secret", args);
    }

    private static Run runAs(String clientId, String secret, String... args) {
        return runAs(null, clientId, secret, args);
    }

    private static Run runAs(Object command, String clientId, String secret, String... args) {
        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.addAll(List.of("--bootstrap-server", broker.getBrokersAsString()));
        if (List.of("replay", "import").contains(args[0])) {
            arguments.addAll(List.of("--auth-url", AUTH.issuer(), "--client-id", clientId, "--client-secret", secret));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = command == null ? TopUpCtl.commandLine() : new CommandLine(command);
        if (command != null) {
            arguments.remove(0);
        }
        int code = line.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(arguments.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }
}
