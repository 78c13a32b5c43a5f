package io.autotopup.devstack;

import io.autotopup.topupctl.stack.StackClient;
import io.autotopup.topupctl.stack.StackEndpoints;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.sandbox.objectstore.LocalObjectStore;
import io.autotopup.sandbox.registry.LocalSchemaRegistry;
import io.autotopup.schemas.registry.SchemaCatalogue;
import io.autotopup.schemas.registry.SchemaRegistryClient;
import io.autotopup.sandbox.smsc.SmsCentreSimulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The whole system on one machine with only a JDK: Kafka's own broker (KRaft) from its jars, the sandbox
 * payment gateway and SMS centre, the four services, the authorization server and the portal, each in a JVM of its own. Data is kept under
 * {@code .devstack/} so a restart keeps balances; {@code --clean} wipes it. Ctrl-C stops everything.
 */
public final class DevStack {

    static final int KAFKA_PORT = 9092;
    static final int CONTROLLER_PORT = 9093;
    static final int GATEWAY_PORT = 8090;
    static final int SMS_INBOX_PORT = 8091;
    static final int SMPP_PORT = 2775;
    static final int AUTH_PORT = 9000;
    static final String AUTH_URL = "http://127.0.0.1:" + AUTH_PORT;
    static final int PORTAL_PORT = 8085;
    static final int KYC_PORT = 8086;
    static final int OBJECT_STORE_PORT = 8092;
    static final int SCHEMA_REGISTRY_PORT = 8093;
    static final String PORTAL_URL = "http://127.0.0.1:" + PORTAL_PORT;

    /** A service: its module, port and the environment variable names of its settings. */
    private record Service(String module, String shortName, int port, String portVariable, String stateVariable) {
    }

    private static final List<Service> SERVICES = List.of(
            new Service("balance-service", "balance", 8081, "BALANCE_SERVICE_PORT", "BALANCE_STATE_DIR"),
            new Service("rule-engine-service", "rule-engine", 8082, "RULE_ENGINE_SERVICE_PORT", "RULE_ENGINE_STATE_DIR"),
            new Service("payment-service", "payment", 8083, "PAYMENT_SERVICE_PORT", "PAYMENT_STATE_DIR"),
            new Service("notification-service", "notification", 8084, "NOTIFICATION_SERVICE_PORT", "NOTIFICATION_STATE_DIR"));

    private DevStack() {
    }

    public static void main(String[] args) throws Exception {
        List<String> options = List.of(args);
        if (options.contains("--help") || options.contains("-h")) {
            System.out.println("""
                    Usage: ./devstack.sh [--demo] [--clean]

                      --demo   once the stack is up, register subscribers in Lao, English, Chinese and Thai,
                               bind sandbox test cards, set auto top-up rules and publish usage, then print
                               what happened (charges, balances, SMS texts)
                      --clean  wipe .devstack/ (the broker's data and the services' state) before starting

                    Ctrl-C stops everything.""");
            return;
        }
        Path root = Path.of(System.getProperty("autotopup.home", ".")).toAbsolutePath().normalize();
        Path dataDir = root.resolve(".devstack");
        if (options.contains("--clean")) {
            wipe(dataDir);
        }
        Files.createDirectories(dataDir);
        PrintStream out = System.out;
        List<AutoCloseable> running = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("devstack     | stopping…");
            for (int i = running.size() - 1; i >= 0; i--) {
                try {
                    running.get(i).close();
                } catch (Exception e) {
                    out.println("devstack     | while stopping: " + e.getMessage());
                }
            }
            stopped.countDown();
        }, "devstack-shutdown"));

        out.println("devstack     | starting Kafka (KRaft) with its data in " + dataDir.resolve("kafka"));
        LocalBroker broker = LocalBroker.start(dataDir, KAFKA_PORT, CONTROLLER_PORT, out);
        running.add(broker);
        SandboxGateway gateway = SandboxGateway.start(GATEWAY_PORT, dataDir.resolve("sandbox-gateway.json"));
        running.add(gateway);
        SmsCentreSimulator smsc = SmsCentreSimulator.start(SMPP_PORT, SMS_INBOX_PORT);
        running.add(smsc);
        out.println("devstack     | starting the object store (S3Proxy) with its files in " + dataDir.resolve("objects"));
        LocalObjectStore objectStore = LocalObjectStore.start(root.resolve("devstack").resolve("target").resolve("tools")
                .resolve("s3proxy.jar"), dataDir.resolve("objects"), OBJECT_STORE_PORT, dataDir.resolve("s3proxy.log"));
        running.add(objectStore);

        String registryUrl = startSchemaRegistry(root, dataDir, broker.bootstrap, running, out);

        String codeKey = verificationKey(dataDir);
        // the authorization server's signing key, the clients' secrets and the stack's keys are made once, kept with the data
        LocalSecrets secrets = LocalSecrets.in(dataDir);
        List<String> urls = new ArrayList<>();
        for (Service service : SERVICES) {
            Path jar = serviceJar(root, service.module());
            Map<String, String> environment = new java.util.HashMap<>(withRegistry(registryUrl, Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap,
                    service.portVariable(), Integer.toString(service.port()),
                    service.stateVariable(), dataDir.resolve("state").resolve(service.module()).toString(),
                    "GATEWAY_BASE_URL", gateway.baseUrl(),
                    "SMPP_PORT", Integer.toString(smsc.smppPort()),
                    "VERIFICATION_CODE_KEY", codeKey,
                    "AUTH_ISSUER_URI", AUTH_URL,
                    "AUTH_JWK_SET_URI", AUTH_URL + "/oauth2/jwks",
                    "OPEN_API_DOCS", "true")));
            if (service.module().equals("payment-service")) {
                environment.put("PAYMENT_TOKEN_KEYS", "devstack:" + secrets.paymentTokenKey());
            }
            // Static group membership: after a restart each service gets its partitions back at once.
            running.add(ChildProcess.java(service.shortName(), List.of("-Xmx320m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                    "--spring.kafka.streams.properties.group.instance.id=" + service.module() + "-devstack",
                    "--spring.kafka.consumer.properties.group.instance.id=" + service.module() + "-devstack"), environment, out));
            urls.add("http://127.0.0.1:" + service.port());
        }
        // the authorization server
        running.add(ChildProcess.java("auth", List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                serviceJar(root, "auth").toString(), "--spring.kafka.streams.properties.group.instance.id=auth-devstack"), withRegistry(registryUrl, Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap,
                "AUTH_SERVER_PORT", Integer.toString(AUTH_PORT),
                "AUTH_ISSUER_URI", AUTH_URL,
                "AUTH_STATE_DIR", dataDir.resolve("state").resolve("auth").toString(),
                "AUTH_SIGNING_KEYS", secrets.signingKeys().toString(),
                "BALANCE_URL", urls.get(0),
                "PORTAL_URL", PORTAL_URL,
                "TOPUPCTL_CLIENT_SECRET", "{noop}" + secrets.topupctlSecret(),
                "PORTAL_CLIENT_SECRET", "{noop}" + secrets.portalSecret(),
                "CARRIER_CLIENT_SECRET", "{noop}" + secrets.carrierSecret())), out));
        // identity documents: encrypted into the object store with the stack's own key, made once
        String kycUrl = "http://127.0.0.1:" + KYC_PORT;
        running.add(ChildProcess.java("kyc", List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                serviceJar(root, "kyc-service").toString(), "--spring.kafka.streams.properties.group.instance.id=kyc-devstack"),
                withRegistry(registryUrl, Map.ofEntries(
                        Map.entry("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap),
                        Map.entry("KYC_SERVICE_PORT", Integer.toString(KYC_PORT)),
                        Map.entry("KYC_STATE_DIR", dataDir.resolve("state").resolve("kyc-service").toString()),
                        Map.entry("AUTH_ISSUER_URI", AUTH_URL),
                        Map.entry("AUTH_JWK_SET_URI", AUTH_URL + "/oauth2/jwks"),
                        Map.entry("OPEN_API_DOCS", "true"),
                        Map.entry("OBJECT_STORE_ENDPOINT", objectStore.endpoint()),
                        Map.entry("OBJECT_STORE_ACCESS_KEY", LocalObjectStore.ACCESS_KEY),
                        Map.entry("OBJECT_STORE_SECRET_KEY", LocalObjectStore.SECRET_KEY),
                        Map.entry("OBJECT_STORE_CREATE_BUCKET", "true"),
                        Map.entry("DOCUMENT_KEYS", "devstack:" + secrets.documentKey()),
                        Map.entry("DOCUMENT_KEY_ID", "devstack"))), out));
        // the portal: subscribers sign up, add a card, set their rule and use credit through the sandbox carrier
        running.add(ChildProcess.java("portal", List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                serviceJar(root, "portal").toString()), withRegistry(registryUrl, Map.ofEntries(
                Map.entry("PORTAL_PORT", Integer.toString(PORTAL_PORT)),
                Map.entry("PORTAL_URL", PORTAL_URL),
                Map.entry("AUTH_ISSUER_URI", AUTH_URL),
                Map.entry("PORTAL_CLIENT_SECRET", secrets.portalSecret()),
                Map.entry("BALANCE_URL", urls.get(0)),
                Map.entry("RULE_ENGINE_URL", urls.get(1)),
                Map.entry("PAYMENT_URL", urls.get(2)),
                Map.entry("NOTIFICATION_URL", urls.get(3)),
                Map.entry("KYC_URL", kycUrl),
                Map.entry("GATEWAY_PUBLIC_URL", gateway.baseUrl()),
                Map.entry("SECURE_COOKIES", "false"),
                Map.entry("SANDBOX_CARRIER", "true"),
                Map.entry("CARRIER_SUPPORT_NAME", "Sandbox Telecom customer care"),
                Map.entry("CARRIER_SUPPORT_PHONE", "1555"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap))), out));
        StackEndpoints endpoints = new StackEndpoints(broker.bootstrap, urls.get(0), urls.get(1), urls.get(2), urls.get(3),
                gateway.baseUrl(), smsc.inboxUrl(), AUTH_URL, "topupctl", secrets.topupctlSecret());
        try (StackClient client = new StackClient(endpoints)) {
            client.awaitHealthy(AUTH_URL, Duration.ofMinutes(3));
            registerCatalogue(registryUrl, secrets, out);
            for (String url : urls) {
                client.awaitHealthy(url, Duration.ofMinutes(3));
            }
            client.awaitHealthy(PORTAL_URL, Duration.ofMinutes(3));
            client.awaitHealthy(kycUrl, Duration.ofMinutes(3));
            printUrls(out, endpoints, kycUrl, objectStore.endpoint(), registryUrl);
            if (options.contains("--demo")) {
                new Demo(client, out).run();
            }
        }
        out.println("devstack     | running; Ctrl-C stops everything");
        stopped.await();
    }

    /**
     * Apicurio Registry with its schemas in Kafka ({@code kafkasql}), its writes limited to tokens of the authorization
     * server with {@code schemas:write}; the catalogue is registered in it once that server answers
     * ({@link #registerCatalogue}), and the services write Confluent's framing from then on.
     * Without a Java 21+ there is none, and the services write single-object encoding (both are read everywhere).
     */
    private static String startSchemaRegistry(Path root, Path dataDir, String bootstrap, List<AutoCloseable> running, PrintStream out)
            throws IOException {
        Path urlFile = dataDir.resolve("schema-registry-url");
        java.util.Optional<Path> java = LocalSchemaRegistry.findJava21();
        if (java.isEmpty()) {
            Files.deleteIfExists(urlFile);
            out.println("devstack     | no schema registry: " + LocalSchemaRegistry.missingJava21()
                    + "; the services write single-object encoding meanwhile");
            return null;
        }
        out.println("devstack     | starting the schema registry (Apicurio Registry " + LocalSchemaRegistry.VERSION
                + ", its schemas on the topic kafkasql-journal) with " + java.get());
        // anyone reads (carriers' serializers look schemas up); only the authorization server's tokens with
        // schemas:write register or change compatibility. Its OIDC starts lazily: writes wait for the server, which
        // starts after it (SchemaRegistryWritersIT)
        LocalSchemaRegistry registry = LocalSchemaRegistry.start(java.get(),
                root.resolve("devstack").resolve("target").resolve("tools").resolve("apicurio-registry"),
                new LocalSchemaRegistry.Storage.Kafka(bootstrap, "kafkasql-journal"), SCHEMA_REGISTRY_PORT,
                dataDir.resolve("schema-registry.log"), new LocalSchemaRegistry.Writers(AUTH_URL));
        running.add(registry);
        Files.writeString(urlFile, registry.ccompatUrl());
        return registry.ccompatUrl();
    }

    /**
     * Registers the catalogue as {@code topupctl schemas register} does, signed in as topupctl for
     * {@code schemas:write}, once the authorization server answers; until then the services write single-object
     * encoding, and they ask the registry again after 30 s.
     */
    private static void registerCatalogue(String registryUrl, LocalSecrets secrets, PrintStream out) {
        if (registryUrl == null) {
            return;
        }
        io.autotopup.topupctl.stack.ClientCredentials topupctl = new io.autotopup.topupctl.stack.ClientCredentials(AUTH_URL,
                "topupctl", secrets.topupctlSecret());
        List<String> changes = SchemaCatalogue.register(new SchemaRegistryClient(registryUrl, Duration.ofSeconds(10),
                () -> topupctl.token(LocalSchemaRegistry.Writers.WRITE_SCOPE)));
        out.println("devstack     | schemas: " + (changes.isEmpty() ? "every subject already in line with the catalogue"
                : changes.size() + " registrations and rules (./topupctl.sh schemas list shows the subjects)"));
    }

    /** The service's settings, and the registry's address for it if there is one. */
    private static Map<String, String> withRegistry(String registryUrl, Map<String, String> environment) {
        if (registryUrl == null) {
            return environment;
        }
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.put("AUTOTOPUP_SCHEMA_REGISTRY_URL", registryUrl);
        return all;
    }

    private static void printUrls(PrintStream out, StackEndpoints endpoints, String kycUrl, String objectStore, String registryUrl) {
        out.println();
        out.println("  autotopup is up: open the portal, " + PORTAL_URL + ", and sign up with a Lao number (020 5xxx xxxx)");
        out.println("  (the code texted to it is in the SMS inbox below; test card 4242 4242 4242 4242, any future expiry)");
        out.println();
        out.println("  portal                " + PORTAL_URL + "      the subscriber's web app");
        out.println("  Kafka broker          " + endpoints.kafkaBootstrap());
        out.println("  authorization server  " + endpoints.authUrl() + "      /.well-known/openid-configuration; subscribers sign in at /sign-in");
        out.println("                                                   topupctl's client secret: .devstack/topupctl-client-secret");
        out.println("  balance-service       " + endpoints.balanceUrl() + "      POST /v1/subscribers, GET /v1/subscribers/{id}/balance|ledger");
        out.println("  rule-engine-service   " + endpoints.ruleEngineUrl() + "      PUT|GET /v1/subscribers/{id}/auto-top-up");
        out.println("  payment-service       " + endpoints.paymentUrl() + "      POST|GET /v1/subscribers/{id}/payment-methods");
        out.println("  notification-service  " + endpoints.notificationUrl() + "      /actuator/health");
        out.println("  kyc-service           " + kycUrl + "      identity documents; review: ./topupctl.sh kyc pending");
        out.println("  object store (S3)     " + objectStore + "      S3Proxy, the documents' files (encrypted) in .devstack/objects");
        out.println(registryUrl == null ? "  schema registry       none: events are written single-object (a registry needs Java 21+)"
                : "  schema registry       " + registryUrl + "   Confluent API: /subjects; carriers' serializers point here");
        out.println("  sandbox gateway       " + endpoints.gatewayUrl() + "      POST /v1/tokens, GET /v1/charges");
        out.println("  SMS centre (SMPP)     127.0.0.1:" + SMPP_PORT);
        out.println("  SMS inbox             " + endpoints.smsInboxUrl());
        out.println();
    }

    private static Path serviceJar(Path root, String module) throws IOException {
        Path target = root.resolve(module).resolve("target");
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, module + "-*-exec.jar")) {
                for (Path jar : jars) {
                    return jar;
                }
            }
        }
        throw new IllegalStateException("No " + module + " jar under " + target + ": build first (./mvnw -DskipTests package)");
    }

    /** The secret of the local stack's one-time codes: made once, kept with its data. */
    private static String verificationKey(Path dataDir) throws IOException {
        Path file = dataDir.resolve("verification-code.key");
        if (!Files.exists(file)) {
            byte[] secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
            Files.writeString(file, java.util.Base64.getEncoder().encodeToString(secret));
        }
        return Files.readString(file).trim();
    }

    private static void wipe(Path dataDir) throws IOException {
        if (!Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
