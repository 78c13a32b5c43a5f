package io.autotopup.sandbox.registry;

import io.autotopup.sandbox.LocalProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A schema registry on this machine: Apicurio Registry 3 (its Quarkus fast-jar, {@code quarkus-run.jar}) in a JVM of
 * its own, answering the Confluent Schema Registry API at {@code /apis/ccompat/v7} and its own at {@code /apis/registry/v3}
 * on loopback. It needs Java 21 or newer, which {@link #findJava21} looks for beside the JDK that runs us. Its
 * management port, which it would open on every interface, is bound to loopback.
 */
public final class LocalSchemaRegistry implements AutoCloseable {

    /** Apicurio's release that the build unpacks into {@code target/tools/apicurio-registry}. */
    public static final String VERSION = "3.3.3";
    /** Where a JDK 21+ may be named when it is not under {@code /usr/lib/jvm}: its home or its {@code bin/java}. */
    public static final String JAVA_ENV = "AUTOTOPUP_JAVA21_HOME";

    private final Process process;
    private final int port;

    private LocalSchemaRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Who may write: with an issuer, reads stay open to anyone (carriers' serializers look schemas up), and registering a
     * schema or changing a subject's compatibility needs an access token of that issuer with the scope {@value #WRITE_SCOPE};
     * the registry-wide settings need {@value #ADMIN_SCOPE}. Apicurio's own OIDC (Quarkus) checks the token against the
     * issuer's discovery document and keys, and takes its roles from the token's {@code scope}.
     */
    public record Writers(String issuer, String jwkSetUri) {
        public static final String WRITE_SCOPE = "schemas:write";
        public static final String ADMIN_SCOPE = "schemas:admin";

        /** The issuer found through its discovery document, at the address its tokens name. */
        public Writers(String issuer) {
            this(issuer, null);
        }

        /**
         * The settings, as system properties; the same names in upper case with underscores are the environment
         * variables of Apicurio's image (docker-compose.yml, deploy/k8s/base/schema-registry.yaml). With a key set's
         * address, as in a cluster where the issuer's public address is not reachable from inside: no discovery, the
         * keys from that address, and the tokens' {@code iss} checked against the issuer.
         */
        public List<String> properties() {
            List<String> properties = new ArrayList<>(List.of("quarkus.oidc.tenant-enabled=true",
                    "quarkus.oidc.roles.role-claim-path=scope", "apicurio.auth.role-based-authorization=true",
                    "apicurio.auth.role-source=token", "apicurio.auth.anonymous-read-access.enabled=true",
                    "apicurio.auth.roles.developer=" + WRITE_SCOPE, "apicurio.auth.roles.admin=" + ADMIN_SCOPE,
                    "apicurio.auth.roles.readonly=schemas:read"));
            if (jwkSetUri == null) {
                properties.add("quarkus.oidc.auth-server-url=" + issuer);
            } else {
                URI keys = URI.create(jwkSetUri);
                properties.addAll(List.of("quarkus.oidc.auth-server-url=" + keys.getScheme() + "://" + keys.getRawAuthority(),
                        "quarkus.oidc.discovery-enabled=false", "quarkus.oidc.jwks-path=" + jwkSetUri,
                        "quarkus.oidc.token.issuer=" + issuer));
            }
            return properties;
        }
    }

    /** Where its schemas are kept. */
    public sealed interface Storage {
        /** In memory: gone when it stops (the tests' registry). */
        record InMemory() implements Storage {
        }

        /** In a Kafka topic ({@code kafkasql}), like everything else of the system: the devstack's registry. */
        record Kafka(String bootstrapServers, String topic) implements Storage {
        }
    }

    /**
     * Starts the registry and returns once its ccompat API answers.
     *
     * @param java    a {@code java} of version 21 or newer ({@link #findJava21})
     * @param appDir  the unpacked {@code apicurio-registry-app} ({@code quarkus-run.jar} and its {@code lib})
     * @param port    its HTTP port on loopback, 0 for any free one
     * @param log     where its output goes
     */
    public static LocalSchemaRegistry start(Path java, Path appDir, Storage storage, int port, Path log) throws IOException {
        return start(java, appDir, storage, port, log, null);
    }

    /** As {@link #start(Path, Path, Storage, int, Path)}, writes only for {@code writers}' tokens (null: anyone may write). */
    public static LocalSchemaRegistry start(Path java, Path appDir, Storage storage, int port, Path log, Writers writers)
            throws IOException {
        appDir = appDir.toAbsolutePath();
        Path jar = appDir.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No Apicurio Registry at " + appDir + ": build first (./mvnw -DskipTests package)");
        }
        int chosen = port == 0 ? LocalProcess.freePort() : port;
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx384m", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + chosen,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + LocalProcess.freePort(),
                "-Dquarkus.log.console.json=false"));
        if (storage instanceof Storage.Kafka kafka) {
            command.add("-Dapicurio.storage.kind=kafkasql");
            command.add("-Dapicurio.kafkasql.bootstrap.servers=" + kafka.bootstrapServers());
            command.add("-Dapicurio.kafkasql.topic=" + kafka.topic());
            command.add("-Dapicurio.kafkasql.topic.auto-create=true");
        }
        if (writers != null) {
            writers.properties().forEach(property -> command.add("-D" + property));
        }
        command.addAll(List.of("-jar", jar.toString()));
        Process process = new ProcessBuilder(command).directory(appDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalSchemaRegistry registry = new LocalSchemaRegistry(process, chosen);
        LocalProcess.awaitAnswering(process, "The schema registry (see " + log + ")", URI.create(registry.ccompatUrl() + "/subjects"),
                true, Duration.ofSeconds(120), Duration.ofSeconds(20));
        return registry;
    }

    /**
     * A {@code java} of version 21 or newer: {@value #JAVA_ENV} if it is set, the running JVM if it is new enough, else
     * the newest JDK under {@code /usr/lib/jvm}.
     */
    public static Optional<Path> findJava21() {
        String named = System.getenv(JAVA_ENV);
        if (named != null && !named.isBlank()) {
            Path path = Path.of(named);
            Path java = Files.isDirectory(path) ? path.resolve("bin").resolve("java") : path;
            return Files.isExecutable(java) ? Optional.of(java) : Optional.empty();
        }
        if (Runtime.version().feature() >= 21) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> featureOf(home) >= 21 && Files.isExecutable(home.resolve("bin").resolve("java")))
                    .max(Comparator.comparingInt(LocalSchemaRegistry::featureOf))
                    .map(home -> home.resolve("bin").resolve("java"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** What is missing when {@link #findJava21} finds nothing, as a sentence. */
    public static String missingJava21() {
        return "the schema registry (Apicurio Registry " + VERSION + ") needs Java 21 or newer: none under /usr/lib/jvm and "
                + JAVA_ENV + " is not set (install a JDK 21+, e.g. Temurin 25, or point " + JAVA_ENV + " at one)";
    }

    private static int featureOf(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        try (var in = Files.newInputStream(release)) {
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
            String feature = version.split("[.+-]")[0];
            return Integer.parseInt(feature.equals("1") ? version.split("\\.")[1] : feature);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The root of the Confluent Schema Registry API, what Confluent's serializers take as {@code schema.registry.url}. */
    public String ccompatUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        LocalProcess.stop(process, Duration.ofSeconds(20));
    }
}
