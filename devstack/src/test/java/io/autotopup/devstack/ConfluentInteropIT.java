package io.autotopup.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotopup.events.UsageRecorded;
import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.sandbox.registry.LocalSchemaRegistry;
import io.autotopup.schemas.Topics;
import io.autotopup.schemas.registry.SchemaCatalogue;
import io.autotopup.schemas.registry.SchemaRegistryClient;
import io.autotopup.topupctl.stack.StackClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The system with a real schema registry (Apicurio Registry 3, its Confluent API): a carrier that publishes usage as
 * Confluent's serializer does, with nothing of ours but the registry's address, is served end to end; what the
 * services write is in Confluent's framing, readable by anyone with the registry; a topic with records of both
 * framings is read whole; the registry governs compatibility; and while it is away the system goes on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfluentInteropIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalSchemaRegistry registry;
    private static InProcessStack stack;
    private static StackClient client;

    @BeforeAll
    static void startStack() throws Exception {
        registry = TestSchemaRegistry.get();
        stack = InProcessStack.startHealthy(PATIENCE, registry.ccompatUrl());
        client = stack.client();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void the_registry_holds_every_subject_of_the_catalogue_with_its_rule_and_refuses_an_incompatible_change() {
        SchemaRegistryClient registryClient = TestSchemaRegistry.client();

        assertThat(registryClient.subjects()).contains("usage-events-value", "balance-changes-value", "top-up-requests-value",
                "top-up-outcomes-io.autotopup.events.TopUpCompleted", "top-up-outcomes-io.autotopup.events.TopUpFailed");
        assertThat(SchemaCatalogue.compare(registryClient)).allSatisfy(difference ->
                assertThat(difference.inLine()).as(difference.toString()).isTrue());
        assertThat(registryClient.compatibility("usage-events-value")).contains("FULL_TRANSITIVE");
        assertThat(registryClient.compatibility("top-up-requests-value")).contains("BACKWARD_TRANSITIVE");
        assertThat(registryClient.versions("auto-top-up-rules-value")).as("every published version, oldest first").hasSize(2);

        // a carrier's field made mandatory without a default: old records could no longer be read
        Schema current = UsageRecorded.getClassSchema();
        Schema broken = SchemaBuilder.record(current.getName()).namespace(current.getNamespace()).fields()
                .requiredString("eventId").requiredString("msisdn").requiredString("tariffPlan").endRecord();
        assertThat(registryClient.isCompatible("usage-events-value", broken)).isFalse();
        assertThatThrownBy(() -> registryClient.register("usage-events-value", broken))
                .isInstanceOfSatisfying(SchemaRegistryClient.RegistryException.class, refused -> assertThat(refused.status()).isEqualTo(409));
        assertThat(registryClient.versions("usage-events-value")).hasSize(1);
    }

    @Test
    @Order(1)
    void topupctl_says_where_the_registry_differs_from_the_catalogue_and_brings_it_back_in_line() {
        SchemaRegistryClient registryClient = TestSchemaRegistry.client();
        registryClient.setCompatibility("balance-adjustments-value", "NONE");
        String url = registry.ccompatUrl();

        Topupctl diff = topupctl("schemas", "diff", "--registry", url);
        Topupctl register = topupctl("schemas", "register", "--registry", url);
        Topupctl again = topupctl("schemas", "diff", "--registry", url);
        Topupctl list = topupctl("schemas", "list", "--registry", url);

        assertThat(diff.code()).as(diff.out() + diff.err()).isEqualTo(1);
        assertThat(diff.out()).contains("balance-adjustments-value: compatibility NONE, should be BACKWARD_TRANSITIVE")
                .contains("1 subject(s) differ");
        assertThat(register.code()).as(register.err()).isZero();
        assertThat(register.out()).contains("balance-adjustments-value: compatibility BACKWARD_TRANSITIVE").contains("1 change(s)");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("the registry is in line with the catalogue");
        assertThat(list.out()).containsPattern("auto-top-up-rules-value +2 +2 +BACKWARD_TRANSITIVE")
                .containsPattern("usage-events-value +1 +1 +FULL_TRANSITIVE");
        assertThat(registryClient.compatibility("balance-adjustments-value")).contains("BACKWARD_TRANSITIVE");
    }

    @Test
    @Order(2)
    void a_carrier_that_frames_usage_as_confluents_serializer_does_is_served_end_to_end() throws Exception {
        String msisdn = newLaoMsisdn();
        String subscriberId = subscriberWithCardAndRule(msisdn, "30000");

        try (KafkaProducer<String, byte[]> carrier = carrierProducer()) {
            for (int i = 0; i < 3; i++) {
                carrier.send(new ProducerRecord<>("usage-events", msisdn, carrierUsage(msisdn, "cdr-" + UUID.randomUUID(), 8_000))).get();
            }
        }

        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(client.balance(subscriberId).body().path("balance").path("amount").asText()).isEqualTo("56000"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(client.inbox(msisdn)).hasSize(2));
        assertThat(client.inbox(msisdn).get(1).path("text").asText()).contains("50,000 ₭");

        // what the services wrote on the way is in Confluent's framing, and the registry's schema reads it without our classes
        for (String topic : List.of("balance-changes", "top-up-requests", "top-up-outcomes")) {
            List<ConsumerRecord<String, byte[]>> written = CommittedRecords.of(stack.broker.bootstrapServers(), topic).stream()
                    .filter(record -> record.value() != null && new String(record.value(), StandardCharsets.ISO_8859_1).contains(subscriberId))
                    .toList();
            assertThat(written).as(topic).isNotEmpty().allSatisfy(record -> {
                assertThat(record.value()[0]).as("Confluent's magic byte on " + topic).isZero();
                GenericRecord read = readAsAnyConsumerWould(record.value());
                assertThat(read.get("subscriberId").toString()).isEqualTo(subscriberId);
            });
        }
        assertThat(deadLetters()).as("nothing the carrier sent was refused").isEmpty();
    }

    @Test
    @Order(2)
    void a_carrier_with_apicurios_own_serializer_is_applied_too() throws Exception {
        String msisdn = newLaoMsisdn();
        String subscriberId = subscriberWithoutRule(msisdn, "30000");
        Schema schema = new Schema.Parser().parse(get(registry.ccompatUrl() + "/subjects/usage-events-value/versions/latest")
                .path("schema").asText());
        GenericRecord usage = new GenericRecordBuilder(schema).set("eventId", "cdr-" + UUID.randomUUID()).set("carrierId", "etl")
                .set("msisdn", msisdn).set("usageType", new GenericData.EnumSymbol(schema.getField("usageType").schema(), "VOICE"))
                .set("units", 60L).set("unit", "SECOND")
                .set("charge", new GenericRecordBuilder(schema.getField("charge").schema()).set("minorUnits", 3_000L).set("currency", "LAK").build())
                .set("occurredAt", System.currentTimeMillis()).build();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker.bootstrapServers(),
                "apicurio.registry.url", registry.ccompatUrl().replace("/apis/ccompat/v7", "/apis/registry/v3"),
                "apicurio.registry.http.adapter", "JDK", "apicurio.registry.auto-register", "false",
                "apicurio.registry.find-latest", "true");
        byte[] sent;
        try (var serializer = new io.apicurio.registry.serde.avro.AvroKafkaSerializer<GenericRecord>();
             KafkaProducer<String, byte[]> carrier = carrierProducer()) {
            serializer.configure(config, false);
            sent = serializer.serialize("usage-events", usage);
            carrier.send(new ProducerRecord<>("usage-events", msisdn, sent)).get();
        }

        assertThat(sent[0]).as("Apicurio's serializer writes Confluent's framing by default").isZero();
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(client.balance(subscriberId).body().path("balance").path("amount").asText()).isEqualTo("27000"));
    }

    @Test
    @Order(3)
    void a_topic_with_records_of_both_framings_is_read_whole_and_only_the_broken_record_is_refused() throws Exception {
        String msisdn = newLaoMsisdn();
        String subscriberId = subscriberWithoutRule(msisdn, "30000");
        BinaryMessageEncoder<UsageRecorded> singleObject = new BinaryMessageEncoder<>(SpecificData.get(), UsageRecorded.getClassSchema());
        UsageRecorded old = UsageRecorded.newBuilder().setEventId("cdr-old-" + UUID.randomUUID()).setCarrierId("unitel").setMsisdn(msisdn)
                .setUsageType(io.autotopup.events.UsageType.DATA).setUnits(1).setUnit("MB")
                .setCharge(io.autotopup.schemas.Events.money(1_000, "LAK")).setOccurredAt(Instant.now()).build();
        String brokenKey = "broken-" + UUID.randomUUID();

        try (KafkaProducer<String, byte[]> carrier = carrierProducer()) {
            carrier.send(new ProducerRecord<>("usage-events", msisdn, singleObject.encode(old).array())).get();
            carrier.send(new ProducerRecord<>("usage-events", brokenKey, ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).putInt(0).array())).get();
            carrier.send(new ProducerRecord<>("usage-events", msisdn, carrierUsage(msisdn, "cdr-new-" + UUID.randomUUID(), 2_000))).get();
        }

        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(client.balance(subscriberId).body().path("balance").path("amount").asText()).isEqualTo("27000"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(deadLetters()).extracting(ConsumerRecord::key).containsExactly(brokenKey));
        assertThat(reason(deadLetters().get(0))).contains("Schema id 987654 is not in the schema registry at " + registry.ccompatUrl());

        // topupctl reads both framings: the subscriber's two records are exported as events, the broken one as raw bytes
        Path exported = Files.createTempFile("usage-events", ".jsonl");
        assertThat(topupctl("export", "usage-events", "--output", exported.toString()).code()).isZero();
        List<JsonNode> lines = Files.readAllLines(exported).stream().map(ConfluentInteropIT::json).toList();
        assertThat(lines).filteredOn(line -> msisdn.equals(line.path("key").asText()))
                .extracting(line -> line.path("type").asText()).containsExactly("UsageRecorded", "UsageRecorded");
        assertThat(lines).filteredOn(line -> brokenKey.equals(line.path("key").asText())).singleElement()
                .satisfies(line -> assertThat(line.has("raw")).as(line.toString()).isTrue());

        // a replay of the topic copies each record as it was written; the ledger ignores what it already applied
        Instant from = Instant.now().minus(Duration.ofMinutes(10));
        Topupctl replay = topupctl("replay", "--topic", "usage-events", "--from", from.toString(), "--to", "now");
        assertThat(replay.code()).as(replay.err()).isZero();
        client.publishUsage(io.autotopup.events.UsageRecorded.newBuilder(old).setEventId("cdr-marker-" + UUID.randomUUID())
                .setCharge(io.autotopup.schemas.Events.money(500, "LAK")).build());
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(client.balance(subscriberId).body().path("balance").path("amount").asText()).isEqualTo("26500"));
        assertThat(deadLetters()).as("nothing but the broken record, now twice").extracting(ConsumerRecord::key)
                .containsOnly(brokenKey).hasSize(2);
    }

    private record Topupctl(int code, String out, String err) {
    }

    private static Topupctl topupctl(String... args) {
        List<String> arguments = new java.util.ArrayList<>(List.of(args));
        if (!args[0].equals("schemas")) {
            arguments.addAll(List.of("--bootstrap-server", stack.broker.bootstrapServers()));
        }
        if (args[0].equals("replay")) {
            arguments.addAll(List.of("--auth-url", stack.authUrlOf, "--client-id", "topupctl", "--client-secret", InProcessStack.TOPUPCTL_SECRET));
        }
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = io.autotopup.topupctl.TopUpCtl.commandLine().setOut(new java.io.PrintWriter(out, true))
                .setErr(new java.io.PrintWriter(err, true)).execute(arguments.toArray(String[]::new));
        return new Topupctl(code, out.toString(), err.toString());
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @Order(4)
    void while_the_registry_is_away_known_ids_go_on_and_an_unknown_one_is_refused_with_the_reason() throws Exception {
        String msisdn = newLaoMsisdn();
        String subscriberId = subscriberWithoutRule(msisdn, "30000");
        byte[] framed = carrierUsage(msisdn, "cdr-" + UUID.randomUUID(), 4_000);
        String unknownKey = "unknown-id-" + UUID.randomUUID();

        registry.close();
        try (KafkaProducer<String, byte[]> carrier = carrierProducer()) {
            carrier.send(new ProducerRecord<>("usage-events", msisdn, framed)).get();
            carrier.send(new ProducerRecord<>("usage-events", unknownKey, ByteBuffer.allocate(9).put((byte) 0).putInt(123_456).putInt(0).array())).get();
        }

        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(client.balance(subscriberId).body().path("balance").path("amount").asText()).isEqualTo("26000"));
        List<ConsumerRecord<String, byte[]>> changes = CommittedRecords.of(stack.broker.bootstrapServers(), "balance-changes").stream()
                .filter(record -> record.value() != null && new String(record.value(), StandardCharsets.ISO_8859_1).contains(subscriberId))
                .toList();
        assertThat(changes.get(changes.size() - 1).value()[0]).as("written with the id it already had").isZero();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(deadLetters()).extracting(ConsumerRecord::key).contains(unknownKey));
        ConsumerRecord<String, byte[]> refused = deadLetters().stream().filter(record -> unknownKey.equals(record.key())).findFirst().orElseThrow();
        assertThat(reason(refused)).contains("Schema id 123456 was never seen here and cannot be looked up")
                .contains("cannot be reached");
    }

    // --- the carrier: plain kafka-clients, the registry's HTTP API, Avro's generic API; nothing of autotopup ---

    private static KafkaProducer<String, byte[]> carrierProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    private static JsonNode latestUsageSchema;

    /** A usage event as Confluent's KafkaAvroSerializer frames it: 00, the schema id of usage-events-value, Avro binary. */
    private static byte[] carrierUsage(String msisdn, String eventId, long kip) throws Exception {
        if (latestUsageSchema == null) {
            latestUsageSchema = get(registry.ccompatUrl() + "/subjects/usage-events-value/versions/latest");
        }
        Schema schema = new Schema.Parser().parse(latestUsageSchema.path("schema").asText());
        Schema money = schema.getField("charge").schema();
        GenericRecord usage = new GenericRecordBuilder(schema).set("eventId", eventId).set("carrierId", "unitel").set("msisdn", msisdn)
                .set("usageType", new GenericData.EnumSymbol(schema.getField("usageType").schema(), "DATA")).set("units", 100L)
                .set("unit", "MB").set("charge", new GenericRecordBuilder(money).set("minorUnits", kip).set("currency", "LAK").build())
                .set("occurredAt", System.currentTimeMillis()).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(latestUsageSchema.path("id").asInt()).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(usage, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** How any consumer with the registry reads a record: the writer's schema by the id in front of it. */
    private static GenericRecord readAsAnyConsumerWould(byte[] value) throws Exception {
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        Schema writer = new Schema.Parser().parse(get(registry.ccompatUrl() + "/schemas/ids/" + id).path("schema").asText());
        return new GenericDatumReader<GenericRecord>(writer).read(null,
                DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    // --- the rest of the journey, through the system's own APIs ---

    private static String subscriberWithoutRule(String msisdn, String openingBalance) {
        var registered = client.registerSubscriber(msisdn, "LAK", "en", openingBalance);
        assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
        String subscriberId = registered.text("subscriberId");
        await().atMost(PATIENCE).until(() -> openingBalance.equals(client.balance(subscriberId).body().path("balance").path("amount").asText()));
        return subscriberId;
    }

    private static String subscriberWithCardAndRule(String msisdn, String openingBalance) {
        String subscriberId = subscriberWithoutRule(msisdn, openingBalance);
        assertThat(client.signIn(msisdn, PATIENCE).status()).isEqualTo(200);
        var bound = client.bindPaymentMethod(subscriberId, client.tokenizeCard("4242424242424242", 12, 2035));
        assertThat(bound.status()).as(bound.body().toString()).isEqualTo(201);
        assertThat(client.setAutoTopUpRule(subscriberId, "10000", "50000", "LAK", bound.text("paymentMethodId"), PATIENCE).status())
                .isEqualTo(200);
        await().atMost(PATIENCE).until(() -> client.autoTopUpRule(subscriberId).status() == 200);
        return subscriberId;
    }

    private static List<ConsumerRecord<String, byte[]>> deadLetters() {
        return CommittedRecords.of(stack.broker.bootstrapServers(), Topics.USAGE_EVENTS.deadLetterTopic());
    }

    private static String reason(ConsumerRecord<String, byte[]> dead) {
        var header = dead.headers().lastHeader("kafka_dlt-exception-message");
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String newLaoMsisdn() {
        return "+856205" + String.format("%07d", java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000_000));
    }
}
