package io.autotopup.devstack;

import io.autotopup.topupctl.stack.StackClient;
import io.autotopup.topupctl.stack.StackEndpoints;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.autotopup.auth.AuthServerApplication;
import io.autotopup.balance.BalanceServiceApplication;
import io.autotopup.notification.NotificationServiceApplication;
import io.autotopup.payment.PaymentServiceApplication;
import io.autotopup.kyc.KycServiceApplication;
import io.autotopup.portal.PortalApplication;
import io.autotopup.sandbox.objectstore.LocalObjectStore;
import io.autotopup.rules.RuleEngineServiceApplication;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.sandbox.smsc.SmsCentreSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole system in one JVM for end-to-end tests: a real KRaft broker ({@link TestKafka}: the apache/kafka
 * image where Docker runs, else the embedded one), the sandbox gateway and SMS centre on loopback, the
 * authorization server (the one servlet application), the four services and the portal (reactive), each with its own
 * configuration file, state directory and port. The services trust the authorization server's tokens; the portal
 * signs people in there and has the sandbox carrier.
 */
final class InProcessStack implements AutoCloseable {

    final TestKafka broker;
    final SandboxGateway gateway;
    final SmsCentreSimulator smsc;
    /** The S3-compatible store of the identity documents (S3Proxy), and where it keeps them as files. */
    final LocalObjectStore objectStore;
    static final String DOCUMENT_KEY = java.util.Base64.getEncoder().encodeToString(
            "in-process-stack-document-key!!!".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    final StackEndpoints endpoints;
    /** The authorization server's signing key, for tests that make tokens of their own (expired, for another subscriber). */
    final RSAKey signingKey;
    static final String TOPUPCTL_SECRET = "in-process-topupctl-secret";
    static final String PORTAL_SECRET = "in-process-portal-secret";
    private final List<ConfigurableApplicationContext> services = new ArrayList<>();
    /** Where the applications keep their Kafka Streams state (their stores' files). */
    final Path stateDir;

    /** The schema registry the services use, or null: then they write single-object encoding. */
    final String schemaRegistryUrl;

    InProcessStack() throws IOException {
        this(null);
    }

    /** @param schemaRegistryUrl a registry's Confluent API for every service ({@code autotopup.schema-registry.url}), or null */
    InProcessStack(String schemaRegistryUrl) throws IOException {
        this.schemaRegistryUrl = schemaRegistryUrl;
        broker = TestKafka.start();
        gateway = SandboxGateway.start(0);
        smsc = SmsCentreSimulator.start(0, 0);
        stateDir = Files.createTempDirectory("autotopup-e2e");
        objectStore = LocalObjectStore.start(Path.of("target", "tools", "s3proxy.jar"), stateDir.resolve("objects"), 0,
                stateDir.resolve("s3proxy.log"));
        String bootstrap = broker.bootstrapServers();
        String codeKey = "autotopup.verification.key=" + java.util.Base64.getEncoder().encodeToString(
                "in-process-stack-one-time-codes!".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int authPort = freePort();
        String authUrl = "http://127.0.0.1:" + authPort;
        int portalPort = freePort();
        portalUrl = "http://127.0.0.1:" + portalPort;
        String[] trustAuth = {"autotopup.security.issuers[0].issuer=" + authUrl,
                "autotopup.security.issuers[0].jwk-set-uri=" + authUrl + "/oauth2/jwks", "autotopup.security.issuers[0].subscribers=true", "autotopup.security.open-api-docs=true"};
        String balance = start(BalanceServiceApplication.class, BalanceServiceApplication.CONFIG_NAME, bootstrap,
                concat(trustAuth, codeKey));
        try {
            signingKey = new RSAKeyGenerator(2048).keyID("in-process-" + java.util.UUID.randomUUID()).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
        authUrlOf = start(AuthServerApplication.class, AuthServerApplication.CONFIG_NAME, bootstrap, WebApplicationType.SERVLET,
                "server.port=" + authPort, "autotopup.auth.issuer=" + authUrl,
                "autotopup.auth.signing-keys=" + new JWKSet(signingKey).toString(false), "autotopup.auth.balance-url=" + balance,
                "TOPUPCTL_CLIENT_SECRET={noop}" + TOPUPCTL_SECRET, "PORTAL_CLIENT_SECRET={noop}" + PORTAL_SECRET,
                "CARRIER_CLIENT_SECRET={noop}in-process-carrier-secret", "PORTAL_URL=" + portalUrl);
        String rules = start(RuleEngineServiceApplication.class, RuleEngineServiceApplication.CONFIG_NAME, bootstrap, trustAuth);
        String payment = start(PaymentServiceApplication.class, PaymentServiceApplication.CONFIG_NAME, bootstrap,
                concat(trustAuth, "autotopup.gateway.base-url=" + gateway.baseUrl(),
                        "autotopup.payment.token-keys=in-process:" + java.util.Base64.getEncoder().encodeToString(
                                "in-process-payment-token-key-32b".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                        // a gateway outage is waited out in seconds rather than minutes, so its journey fits in a test
                        "autotopup.payment.retry.delays=2s,4s,8s", "autotopup.gateway.breaker-open-for=2s"));
        String notification = start(NotificationServiceApplication.class, NotificationServiceApplication.CONFIG_NAME,
                bootstrap, concat(trustAuth, "autotopup.smpp.port=" + smsc.smppPort(), codeKey));
        kyc = start(KycServiceApplication.class, KycServiceApplication.CONFIG_NAME, bootstrap, concat(trustAuth,
                "autotopup.kyc.object-store.endpoint=" + objectStore.endpoint(),
                "autotopup.kyc.object-store.access-key=" + LocalObjectStore.ACCESS_KEY,
                "autotopup.kyc.object-store.secret-key=" + LocalObjectStore.SECRET_KEY,
                "autotopup.kyc.object-store.create-bucket=true",
                "autotopup.kyc.encryption.keys=in-process:" + DOCUMENT_KEY, "autotopup.kyc.encryption.current-key-id=in-process"));
        start(PortalApplication.class, PortalApplication.CONFIG_NAME, bootstrap, "server.port=" + portalPort,
                "autotopup.portal.public-url=" + portalUrl, "autotopup.portal.auth.issuer=" + authUrl,
                "autotopup.portal.auth.client-secret=" + PORTAL_SECRET, "autotopup.portal.balance-url=" + balance,
                "autotopup.portal.rule-engine-url=" + rules, "autotopup.portal.payment-url=" + payment,
                "autotopup.portal.notification-url=" + notification, "autotopup.portal.kyc-url=" + kyc,
                "autotopup.portal.gateway-url=" + gateway.baseUrl(),
                "autotopup.portal.secure-cookies=false", "autotopup.portal.sandbox-carrier.enabled=true",
                "autotopup.portal.sandbox-carrier.bootstrap-servers=" + bootstrap,
                "autotopup.portal.support.name=Sandbox Telecom customer care", "autotopup.portal.support.phone=1555");
        endpoints = new StackEndpoints(bootstrap, balance, rules, payment, notification, gateway.baseUrl(), smsc.inboxUrl(),
                authUrl, "topupctl", TOPUPCTL_SECRET);
    }

    /** The authorization server's base URL. */
    final String authUrlOf;
    /** The portal's base URL, as a browser opens it. */
    final String portalUrl;
    /** kyc-service's base URL. */
    final String kyc;
    private StackClient client;

    /** Starts the stack and returns once every service and the authorization server answer healthy. */
    static InProcessStack startHealthy(java.time.Duration patience) throws IOException {
        return startHealthy(patience, null);
    }

    /** The same with every service on the schema registry at {@code schemaRegistryUrl}. */
    static InProcessStack startHealthy(java.time.Duration patience, String schemaRegistryUrl) throws IOException {
        InProcessStack stack = new InProcessStack(schemaRegistryUrl);
        StackClient client = stack.client();
        for (String service : stack.serviceUrls()) {
            client.awaitHealthy(service, patience);
        }
        client.awaitHealthy(stack.authUrlOf, patience);
        client.awaitHealthy(stack.portalUrl, patience);
        return stack;
    }

    /** A client of this stack, closed with it. */
    synchronized StackClient client() {
        if (client == null) {
            client = new StackClient(endpoints);
        }
        return client;
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The services' base URLs: balance, rule engine, payment, notification, kyc. */
    List<String> serviceUrls() {
        return List.of(endpoints.balanceUrl(), endpoints.ruleEngineUrl(), endpoints.paymentUrl(), endpoints.notificationUrl(), kyc);
    }

    /** The top of the repository (scenario files, the Grafana dashboard), whichever module directory the test runs in. */
    static Path repositoryRoot() {
        Path directory = Path.of("").toAbsolutePath();
        while (!Files.exists(directory.resolve("mvnw"))) {
            directory = directory.getParent();
        }
        return directory;
    }

    private String start(Class<?> application, String name, String bootstrap, String... extra) {
        return start(application, name, bootstrap, WebApplicationType.REACTIVE, extra);
    }

    private String start(Class<?> application, String name, String bootstrap, WebApplicationType type, String... extra) {
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.config.name=" + name,
                "--server.address=127.0.0.1",
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--spring.kafka.streams.state-dir=" + stateDir.resolve(name)));
        for (String property : extra) {
            arguments.add("--" + property);
        }
        if (schemaRegistryUrl != null) {
            arguments.add("--autotopup.schema-registry.url=" + schemaRegistryUrl);
        }
        if (java.util.Arrays.stream(extra).noneMatch(property -> property.startsWith("server.port="))) {
            arguments.add("--server.port=0");
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(application).web(type)
                .run(arguments.toArray(String[]::new));
        services.add(context);
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        smsc.close();
        gateway.close();
        objectStore.close();
        broker.close();
        if (schemaRegistryUrl != null) {
            io.autotopup.schemas.WireFormat.singleObject();
        }
    }
}
