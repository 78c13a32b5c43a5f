package io.autotopup.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotopup.platform.testing.RequiredTools;
import io.autotopup.platform.testing.TestIssuer;
import io.autotopup.sandbox.registry.LocalSchemaRegistry;
import io.autotopup.schemas.Topics;
import io.autotopup.schemas.registry.SchemaCatalogue;
import io.autotopup.schemas.registry.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The schema registry with its writers limited (issue 29, item 3): anyone reads, as carriers' serializers do; only a
 * token with {@code schemas:write} registers a schema or changes a subject's compatibility, so a stranger who reaches
 * the registry cannot set {@code usage-events-value} to NONE and break ingest.
 */
class SchemaRegistryWritersIT {

    private static TestIssuer issuer;
    private static LocalSchemaRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> java = LocalSchemaRegistry.findJava21();
        RequiredTools.require(java.isPresent(), LocalSchemaRegistry.missingJava21());
        issuer = TestIssuer.start();
        registry = LocalSchemaRegistry.start(java.orElseThrow(), Path.of("target", "tools", "apicurio-registry"),
                new LocalSchemaRegistry.Storage.InMemory(), 0, Files.createTempFile("apicurio-writers", ".log"),
                new LocalSchemaRegistry.Writers(issuer.issuer()));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    @Test
    void only_a_token_with_the_write_scope_registers_or_changes_compatibility_and_anyone_reads() {
        SchemaRegistryClient anonymous = client(null);
        SchemaRegistryClient carrier = client(issuer.machineToken("carrier-integration", "balance:adjust"));
        SchemaRegistryClient topupctl = client(issuer.machineToken("topupctl", LocalSchemaRegistry.Writers.WRITE_SCOPE));
        String subject = Topics.USAGE_EVENTS.name() + "-value";
        Schema stranger = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Anything\",\"fields\":[]}");

        assertThatThrownBy(() -> anonymous.register(subject, stranger)).as("an anonymous registration")
                .isInstanceOfSatisfying(SchemaRegistryClient.RegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThatThrownBy(() -> anonymous.setCompatibility(subject, "NONE")).as("an anonymous compatibility change")
                .isInstanceOfSatisfying(SchemaRegistryClient.RegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThatThrownBy(() -> carrier.setCompatibility(subject, "NONE")).as("a token without the scope")
                .isInstanceOfSatisfying(SchemaRegistryClient.RegistryException.class, e -> assertThat(e.status()).isEqualTo(403));

        SchemaCatalogue.register(topupctl);
        assertThat(anonymous.subjects()).as("reads stay open").contains(subject);
        assertThat(anonymous.compatibility(subject)).hasValue(SchemaCatalogue.CARRIER_COMPATIBILITY);
        assertThat(anonymous.versions(subject)).as("nothing a stranger sent").noneMatch(version -> version.schema().equals(stranger));
    }

    @Test
    void topupctl_schemas_register_signs_in_for_the_write_scope_and_says_what_is_missing_without_it() {
        issuer.client("topupctl", "topupctl-secret", LocalSchemaRegistry.Writers.WRITE_SCOPE);
        String subject = Topics.BALANCE_CHANGES.name() + "-value";
        SchemaRegistryClient writer = client(issuer.machineToken("topupctl", LocalSchemaRegistry.Writers.WRITE_SCOPE));
        SchemaCatalogue.register(writer);
        // out of line with the catalogue, so that register has something to write
        writer.setCompatibility(subject, "NONE");

        StringBuilder refused = new StringBuilder();
        assertThat(topupctl(refused, "schemas", "register", "--registry", registry.ccompatUrl(), "--auth-url", issuer.issuer(),
                "--client-secret=")).as("without a client secret").isEqualTo(1);
        assertThat(refused.toString()).contains("401").contains("schemas:write");

        StringBuilder done = new StringBuilder();
        assertThat(topupctl(done, "schemas", "register", "--registry", registry.ccompatUrl(), "--auth-url", issuer.issuer(),
                "--client-id", "topupctl", "--client-secret", "topupctl-secret")).as(done.toString()).isZero();
        assertThat(client(null).compatibility(subject)).as("put back in line").hasValue(SchemaCatalogue.DEFAULT_COMPATIBILITY);
    }

    /**
     * The devstack, compose and Kubernetes start the registry before the authorization server whose tokens it checks
     * (the server's own events are registered in it): until the issuer answers, writes are refused, and once it does,
     * its tokens write, without restarting the registry. Both ways of finding the keys: the issuer's discovery
     * document (the devstack), and a key set at an address of its own while the tokens name another (compose and
     * Kubernetes: the Service inside, the public issuer in the tokens; here localhost and 127.0.0.1).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "keys through {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"discovery", "a key set of its own"})
    void a_registry_started_before_its_issuer_checks_tokens_once_the_issuer_is_up(String keys) throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String issuerUrl = "http://127.0.0.1:" + port;
        LocalSchemaRegistry.Writers writers = keys.equals("discovery") ? new LocalSchemaRegistry.Writers(issuerUrl)
                : new LocalSchemaRegistry.Writers(issuerUrl, "http://localhost:" + port + "/jwks");
        try (LocalSchemaRegistry early = LocalSchemaRegistry.start(LocalSchemaRegistry.findJava21().orElseThrow(),
                Path.of("target", "tools", "apicurio-registry"), new LocalSchemaRegistry.Storage.InMemory(), 0,
                Files.createTempFile("apicurio-early", ".log"), writers)) {
            SchemaRegistryClient anonymous = new SchemaRegistryClient(early.ccompatUrl());
            assertThatThrownBy(() -> anonymous.register("early-value", Schema.create(Schema.Type.STRING)))
                    .as("a write while the issuer is down").isInstanceOf(SchemaRegistryClient.RegistryException.class);
            try (TestIssuer late = TestIssuer.start(port)) {
                SchemaRegistryClient writer = new SchemaRegistryClient(early.ccompatUrl(), Duration.ofSeconds(10),
                        () -> late.machineToken("topupctl", LocalSchemaRegistry.Writers.WRITE_SCOPE));
                SchemaCatalogue.register(writer);
                assertThat(anonymous.subjects()).contains(Topics.USAGE_EVENTS.name() + "-value");
                assertThatThrownBy(() -> anonymous.register("early-value", Schema.create(Schema.Type.STRING)))
                        .as("an anonymous write once the issuer is up")
                        .isInstanceOfSatisfying(SchemaRegistryClient.RegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
            }
        }
    }

    private static int topupctl(StringBuilder output, String... arguments) {
        java.io.StringWriter out = new java.io.StringWriter();
        int code = io.autotopup.topupctl.TopUpCtl.commandLine().setOut(new java.io.PrintWriter(out, true))
                .setErr(new java.io.PrintWriter(out, true)).execute(arguments);
        output.append(out);
        return code;
    }

    private static SchemaRegistryClient client(String token) {
        return new SchemaRegistryClient(registry.ccompatUrl(), Duration.ofSeconds(10), () -> token);
    }
}
