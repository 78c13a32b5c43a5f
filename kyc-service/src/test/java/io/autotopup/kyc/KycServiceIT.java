package io.autotopup.kyc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotopup.events.IdentityDocumentErased;
import io.autotopup.events.IdentityDocumentViewed;
import io.autotopup.events.KycStatusChanged;
import io.autotopup.platform.security.Scopes;
import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.platform.testing.LocalHttp;
import io.autotopup.platform.testing.SingleBrokerKafka;
import io.autotopup.platform.testing.TestIssuer;
import io.autotopup.sandbox.objectstore.LocalObjectStore;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * kyc-service on a real broker with a real S3-compatible store (S3Proxy): a document uploaded, reviewed with every view
 * audited, approved, and its images erased on schedule and on request; every hostile upload refused with a problem body
 * and nothing stored; what is at rest is unreadable without the key, and no document byte reaches a topic or a log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        args = "--spring.config.name=" + KycServiceApplication.CONFIG_NAME,
        properties = {"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "spring.kafka.streams.state-dir=${java.io.tmpdir}/autotopup-it/${random.uuid}",
                "autotopup.kyc.retention.after-approval=2s", "autotopup.kyc.retention.after-rejection=2s",
                "autotopup.kyc.retention.check-every=500ms"})
@SingleBrokerKafka
@ExtendWith(OutputCaptureExtension.class)
class KycServiceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestIssuer ISSUER = TestIssuer.start();
    private static final LocalObjectStore STORE = startStore();
    private static final String KEY = Base64.getEncoder().encodeToString("kyc-it-kyc-it-kyc-it-kyc-it-key!".getBytes(StandardCharsets.US_ASCII));

    private static LocalObjectStore startStore() {
        try {
            Path data = Files.createTempDirectory("kyc-it-objects");
            return LocalObjectStore.start(Path.of("target", "tools", "s3proxy.jar"), data, 0, data.resolveSibling(data.getFileName() + ".log"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void outsideWorld(DynamicPropertyRegistry registry) {
        ISSUER.trustedBy(0).forEach((name, value) -> registry.add(name, () -> value));
        registry.add("autotopup.kyc.object-store.endpoint", STORE::endpoint);
        registry.add("autotopup.kyc.object-store.access-key", () -> LocalObjectStore.ACCESS_KEY);
        registry.add("autotopup.kyc.object-store.secret-key", () -> LocalObjectStore.SECRET_KEY);
        registry.add("autotopup.kyc.object-store.create-bucket", () -> "true");
        registry.add("autotopup.kyc.encryption.keys", () -> "it-2026:" + KEY);
        registry.add("autotopup.kyc.encryption.current-key-id", () -> "it-2026");
    }

    @AfterAll
    static void stop() {
        ISSUER.close();
        STORE.close();
    }

    @Autowired
    EmbeddedKafkaBroker broker;
    @Value("${local.server.port}")
    int port;

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private String reviewer() {
        return ISSUER.machineToken("back-office", Scopes.KYC_REVIEW);
    }

    @Test
    void an_id_is_uploaded_viewed_with_each_view_audited_approved_and_its_images_erased_on_schedule(CapturedOutput output)
            throws Exception {
        String subscriber = "sub-kyc-journey";
        List<Path> before = objects();
        byte[] front = TestFiles.jpegWithExif(900, 560);
        HttpResponse<String> uploaded = new Multipart().field("type", "NATIONAL_ID")
                .file("front", "front.jpg", "image/jpeg", front).file("back", "back.png", "image/png", TestFiles.png(900, 560))
                .post(url("/v1/subscribers/" + subscriber + "/identity-documents"), ISSUER.subscriberToken(subscriber));
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        JsonNode document = JSON.readTree(uploaded.body());
        String documentId = document.path("documentId").asText();
        assertThat(document.path("status").asText()).isEqualTo("PENDING");
        assertThat(document.path("pages")).hasSize(2);
        assertThat(document.toString()).doesNotContain("objectKey").doesNotContain("encryptionKeyId");
        assertThat(own(subscriber).toString()).as("listed as soon as the upload answers: the page the portal shows next has it")
                .contains(documentId);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(own(subscriber).path("kycStatus").asText()).isEqualTo("PENDING"));
        List<Path> objects = objects().stream().filter(object -> !before.contains(object)).toList();
        assertThat(objects).as("the front and the back, at random keys").hasSize(2);
        for (Path object : objects) {
            byte[] raw = Files.readAllBytes(object);
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            assertThat(text).as("at rest: encrypted").startsWith("ATD1").doesNotContain("JFIF").doesNotContain("IHDR")
                    .doesNotContain(TestFiles.EXIF_SECRET).doesNotContain(subscriber);
        }

        HttpResponse<String> pending = new LocalHttp(port).as(reviewer()).get("/v1/identity-documents/pending");
        assertThat(pending.body()).contains(documentId);
        HttpResponse<byte[]> viewed = view(documentId, "front", reviewer());
        assertThat(viewed.statusCode()).isEqualTo(200);
        assertThat(viewed.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(viewed.headers().firstValue("Cache-Control")).hasValueSatisfying(value -> assertThat(value).contains("no-store"));
        assertThat(ImageIO.read(new ByteArrayInputStream(viewed.body())).getWidth()).isEqualTo(900);
        assertThat(new String(viewed.body(), StandardCharsets.ISO_8859_1)).as("stored without its EXIF")
                .doesNotContain(TestFiles.EXIF_SECRET);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(records(Topics.KYC_AUDIT))
                .filteredOn(event -> ((IdentityDocumentViewed) event).getDocumentId().equals(documentId)).singleElement()
                .isInstanceOfSatisfying(IdentityDocumentViewed.class, view -> {
                    assertThat(view.getViewer()).isEqualTo("back-office");
                    assertThat(view.getSide().name()).isEqualTo("FRONT");
                }));
        assertThat(view(documentId, "front", ISSUER.subscriberToken(subscriber)).statusCode()).as("reviewers only").isEqualTo(403);

        HttpResponse<String> approved = new LocalHttp(port).as(reviewer()).post("/v1/identity-documents/" + documentId + "/review",
                "{\"decision\":\"APPROVED\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(records(Topics.KYC_STATUSES))
                .filteredOn(event -> ((KycStatusChanged) event).getSubscriberId().equals(subscriber)).last()
                .isInstanceOfSatisfying(KycStatusChanged.class, status -> assertThat(status.getStatus().name()).isEqualTo("VERIFIED")));
        assertThat(new LocalHttp(port).as(reviewer()).post("/v1/identity-documents/" + documentId + "/review",
                "{\"decision\":\"REJECTED\",\"reason\":\"EXPIRED\"}").statusCode()).as("decided once").isEqualTo(409);

        await("the images are gone 2 s after the approval").atMost(PATIENCE)
                .untilAsserted(() -> assertThat(objects()).doesNotContainAnyElementsOf(objects));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(records(Topics.IDENTITY_DOCUMENTS))
                .anySatisfy(event -> assertThat(event).isInstanceOfSatisfying(IdentityDocumentErased.class, erased -> {
                    assertThat(erased.getDocumentId()).isEqualTo(documentId);
                    assertThat(erased.getCause().name()).isEqualTo("RETENTION");
                })));
        await().atMost(PATIENCE).until(() -> view(documentId, "front", reviewer()).statusCode() == 410);
        JsonNode after = own(subscriber);
        assertThat(after.path("kycStatus").asText()).as("the decision stays").isEqualTo("VERIFIED");
        assertThat(after.path("documents").get(0).path("pages").get(0).path("sha256").asText()).as("and the hashes").hasSize(64);

        String everything = output.getAll() + topicsAsText();
        assertThat(everything).doesNotContain(TestFiles.EXIF_SECRET).doesNotContain(KEY);
    }

    static Stream<Object[]> hostileUploads() {
        byte[] sixMegabytes = new byte[6 * 1024 * 1024];
        System.arraycopy(TestFiles.png(10, 10), 0, sixMegabytes, 0, 8);
        return Stream.of(
                new Object[] {"a renamed executable", TestFiles.executable(), 415, "UNSUPPORTED_TYPE"},
                new Object[] {"a 6 MB image", sixMegabytes, 413, "TOO_LARGE"},
                new Object[] {"a truncated JPEG", TestFiles.truncatedJpeg(), 422, "UNREADABLE"},
                new Object[] {"a PDF with JavaScript", TestFiles.pdf("/OpenAction << /S /JavaScript /JS (x) >>"), 422, "UNSAFE"},
                new Object[] {"a zip bomb", TestFiles.zip(), 415, "UNSUPPORTED_TYPE"},
                new Object[] {"a PNG bomb", TestFiles.pngBomb(), 422, "UNREADABLE"},
                new Object[] {"an empty file", new byte[0], 422, "EMPTY"});
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("hostileUploads")
    void a_hostile_upload_gets_a_problem_body_and_nothing_is_stored(String what, byte[] file, int status, String reason)
            throws Exception {
        int before = objects().size();
        HttpResponse<String> refused = new Multipart().field("type", "PASSPORT").file("front", "front.jpg", "image/jpeg", file)
                .post(url("/v1/subscribers/sub-hostile/identity-documents"), ISSUER.subscriberToken("sub-hostile"));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(status);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
        assertThat(JSON.readTree(refused.body()).path("reason").asText()).isEqualTo(reason);
        assertThat(objects()).hasSize(before);
    }

    @Test
    void an_upload_for_another_subscriber_or_without_a_front_or_type_is_refused() throws Exception {
        HttpResponse<String> someoneElse = new Multipart().field("type", "PASSPORT")
                .file("front", "front.png", "image/png", TestFiles.png(100, 100))
                .post(url("/v1/subscribers/sub-victim/identity-documents"), ISSUER.subscriberToken("sub-attacker"));
        assertThat(someoneElse.statusCode()).isEqualTo(403);
        HttpResponse<String> noType = new Multipart().file("front", "front.png", "image/png", TestFiles.png(100, 100))
                .post(url("/v1/subscribers/sub-a/identity-documents"), ISSUER.subscriberToken("sub-a"));
        assertThat(noType.statusCode()).isEqualTo(400);
        HttpResponse<String> noFront = new Multipart().field("type", "PASSPORT")
                .post(url("/v1/subscribers/sub-a/identity-documents"), ISSUER.subscriberToken("sub-a"));
        assertThat(noFront.statusCode()).isEqualTo(400);
    }

    @Test
    void an_erasure_request_deletes_the_images_at_once() throws Exception {
        String subscriber = "sub-kyc-erase";
        HttpResponse<String> uploaded = new Multipart().field("type", "FAMILY_BOOK")
                .file("front", "front.pdf", "application/pdf", TestFiles.pdf(""))
                .post(url("/v1/subscribers/" + subscriber + "/identity-documents"), ISSUER.subscriberToken(subscriber));
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        String documentId = JSON.readTree(uploaded.body()).path("documentId").asText();
        await().atMost(PATIENCE).until(() -> view(documentId, "front", reviewer()).statusCode() == 200);
        int before = objects().size();

        HttpResponse<String> erased = new LocalHttp(port).as(ISSUER.subscriberToken(subscriber))
                .send("DELETE", "/v1/subscribers/" + subscriber + "/identity-documents", null);

        assertThat(erased.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(erased.body()).path("erased").asInt()).isEqualTo(1);
        assertThat(objects()).hasSize(before - 1);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(own(subscriber).path("documents").get(0).path("imagesKept").asBoolean())
                .isFalse());
        assertThat(view(documentId, "front", reviewer()).statusCode()).isEqualTo(410);
    }

    private JsonNode own(String subscriber) throws Exception {
        return JSON.readTree(new LocalHttp(port).as(ISSUER.subscriberToken(subscriber))
                .get("/v1/subscribers/" + subscriber + "/identity-documents").body());
    }

    private HttpResponse<byte[]> view(String documentId, String side, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/v1/identity-documents/" + documentId + "/" + side)))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The objects at rest, as the store keeps them: files under its data directory. */
    private static List<Path> objects() throws IOException {
        try (Stream<Path> files = Files.walk(STORE.dataDir())) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private List<SpecificRecord> records(Topic<String, ?> topic) {
        return CommittedRecords.of(broker.getBrokersAsString(), topic.name(), new StringDeserializer(),
                        topic.valueSerde().deserializer()).stream().map(record -> (SpecificRecord) record.value()).toList();
    }

    private String topicsAsText() {
        StringBuilder text = new StringBuilder();
        for (Topic<String, ?> topic : List.of(Topics.IDENTITY_DOCUMENTS, Topics.KYC_AUDIT, Topics.KYC_STATUSES)) {
            CommittedRecords.of(broker.getBrokersAsString(), topic.name(), new StringDeserializer(), new ByteArrayDeserializer())
                    .forEach(record -> text.append(new String(record.value(), StandardCharsets.ISO_8859_1)));
        }
        return text.toString();
    }
}
