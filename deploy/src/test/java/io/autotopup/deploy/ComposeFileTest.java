package io.autotopup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The rules {@code docker-compose.yml} must keep, checked without a Docker engine (none runs on our build
 * machines): everything it needs is in it, every container says when it is healthy, nothing starts before
 * what it depends on is healthy, and no container can take all the machine's memory.
 */
class ComposeFileTest {

    private static final List<String> SERVICES = List.of("balance-service", "rule-engine-service", "payment-service",
            "notification-service");

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readComposeFile() throws IOException {
        try (Reader reader = Files.newBufferedReader(RepositoryFiles.root().resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(reader);
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSchemaRegistryKeepsItsSchemasInKafkaAndIsFilledBeforeTheServicesWrite() {
        assertThat(environment("schema-registry")).containsEntry("APICURIO_STORAGE_KIND", "kafkasql")
                .containsEntry("APICURIO_KAFKASQL_BOOTSTRAP_SERVERS", "kafka:19092");
        assertThat((List<String>) services.get("schemas").get("command")).containsExactly("schemas", "register");
        String registry = environment("schemas").get("SCHEMA_REGISTRY_URL").toString();
        assertThat(registry).isEqualTo("http://schema-registry:8080/apis/ccompat/v7");
        for (String name : SERVICES) {
            assertThat(environment(name)).as(name).containsEntry("AUTOTOPUP_SCHEMA_REGISTRY_URL", registry);
        }
    }

    /**
     * Anyone reads the registry, as carriers' serializers do; only the authorization server's tokens with
     * {@code schemas:write} change it (issue 29): the settings the local registry is tested with
     * ({@code SchemaRegistryWritersIT}), for the issuer the services trust and the keys they fetch. The registration
     * signs in as topupctl, with the secret the authorization server was given.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theSchemaRegistryTakesWritesOnlyFromTheAuthorizationServersTokensWithTheWriteScope() {
        Map<String, Object> balance = environment("balance-service");
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        new io.autotopup.sandbox.registry.LocalSchemaRegistry.Writers(balance.get("AUTH_ISSUER_URI").toString(),
                balance.get("AUTH_JWK_SET_URI").toString()).properties().forEach(property -> {
            String[] parts = property.split("=", 2);
            expected.put(parts[0].toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), parts[1]);
        });
        Map<String, String> registry = new java.util.LinkedHashMap<>();
        environment("schema-registry").forEach((key, value) -> registry.put(key, value.toString()));
        assertThat(registry).containsAllEntriesOf(expected);

        Map<String, Object> schemas = environment("schemas");
        assertThat("{noop}" + schemas.get("TOPUPCTL_CLIENT_SECRET")).isEqualTo(environment("auth").get("TOPUPCTL_CLIENT_SECRET"));
        assertThat(schemas.get("AUTH_ISSUER_URI").toString()).as("the token endpoint, inside")
                .isEqualTo(balance.get("AUTH_JWK_SET_URI").toString().replace("/oauth2/jwks", ""));
        assertThat((Map<String, Object>) services.get("schemas").get("depends_on")).containsKey("auth");
    }

    @Test
    void runsKafkaInKraftModeTheSandboxAndTheFourServices() {
        assertThat(services).containsOnlyKeys(concat(SERVICES, "kafka", "sandbox", "auth", "portal", "s3proxy", "kyc-service",
                "schema-registry", "schemas"));
        assertThat((String) services.get("kafka").get("image")).startsWith("apache/kafka:");
        assertThat(environment("kafka")).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
    }

    @Test
    void everyContainerHasAHealthCheckAndAMemoryLimit() {
        services.forEach((name, service) -> {
            assertThat(service).as(name).containsKey("mem_limit");
            if ("on-failure".equals(service.get("restart"))) {
                // a one-shot task (the schemas' registration) exits when done: nothing to check the health of
                assertThat(service).as(name).doesNotContainKey("ports");
                return;
            }
            assertThat(service).as(name).containsKeys("healthcheck", "mem_limit");
            assertThat(((Map<?, ?>) service.get("healthcheck")).containsKey("test")).as(name + " health check has a test").isTrue();
        });
    }

    @Test
    void theServicesAreHealthyOnlyWhenReadySoTheirDependantsWaitForKafkaStreams() {
        for (String name : SERVICES) {
            assertThat(String.join(" ", healthCheck(name))).as(name).contains("/actuator/health/readiness");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void nothingStartsBeforeWhatItDependsOnIsHealthy() {
        services.forEach((name, service) -> {
            Map<String, Map<String, String>> dependsOn = (Map<String, Map<String, String>>) service.getOrDefault("depends_on", Map.of());
            dependsOn.forEach((dependency, condition) -> {
                assertThat(services).as(name + " depends on " + dependency).containsKey(dependency);
                assertThat(condition).as(name + " waits for " + dependency).containsEntry("condition", "service_healthy");
            });
        });
        for (String name : SERVICES) {
            assertThat((Map<String, ?>) services.get(name).get("depends_on")).as(name).containsKeys("kafka", "sandbox");
        }
    }

    @Test
    void everyServiceReachesKafkaAndTheSandboxByTheirComposeNames() {
        for (String name : SERVICES) {
            Map<String, Object> environment = environment(name);
            assertThat(environment.get("KAFKA_BOOTSTRAP_SERVERS")).as(name).isEqualTo("kafka:19092");
            assertThat(String.valueOf(environment.get("GATEWAY_BASE_URL"))).as(name).startsWith("http://sandbox:");
            assertThat(environment.get("SMPP_HOST")).as(name).isEqualTo("sandbox");
        }
        assertThat(environment("kafka").get("KAFKA_ADVERTISED_LISTENERS").toString()).contains("kafka:19092");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyImageIsBuiltByTheDockerfileFromAModuleOfTheReactor() throws IOException {
        Path root = RepositoryFiles.root();
        String reactor = Files.readString(root.resolve("pom.xml"));
        Set<String> built = new HashSet<>();
        services.forEach((name, service) -> {
            Map<String, Object> build = (Map<String, Object>) service.get("build");
            if (build == null) {
                return;
            }
            assertThat(root.resolve(build.get("dockerfile").toString())).as(name).isRegularFile();
            String module = ((Map<String, String>) build.get("args")).get("MODULE");
            assertThat(reactor).as(name + "'s module").contains("<module>" + module + "</module>");
            built.add(name);
        });
        assertThat(built).containsExactlyInAnyOrderElementsOf(concat(SERVICES, "sandbox", "auth", "portal", "kyc-service", "schemas"));
    }

    @Test
    void statefulServicesKeepTheirKafkaStreamsStateOnAVolume() {
        for (String name : SERVICES) {
            Object stateDirectory = environment(name).entrySet().stream()
                    .filter(entry -> entry.getKey().endsWith("_STATE_DIR")).map(Map.Entry::getValue).findFirst().orElse(null);
            assertThat(stateDirectory).as(name + " state directory").isNotNull();
            assertThat(services.get(name).get("volumes").toString()).as(name).contains(":" + stateDirectory);
        }
    }

    @Test
    void theServicesTrustTheAuthorizationServerWhichWaitsForKafkaAndHasItsKeys() {
        for (String name : SERVICES) {
            assertThat(environment(name)).as(name).containsEntry("AUTH_ISSUER_URI", environment("auth").get("AUTH_ISSUER_URI"))
                    .containsEntry("AUTH_JWK_SET_URI", "http://auth:8080/oauth2/jwks").doesNotContainKey("OPERATOR_API_KEY");
        }
        assertThat(String.join(" ", healthCheck("auth"))).contains("/actuator/health/readiness");
        assertThat(String.valueOf(environment("auth").get("AUTH_SIGNING_KEYS"))).startsWith("{\"keys\":[");
        assertThat(environment("auth").get("BALANCE_URL")).isEqualTo("http://balance-service:8080");
    }

    @Test
    void thePortalSendsPeopleToTheIssuerTheAuthorizationServerNamesAndComesBackWhereItIsRegistered() {
        assertThat(environment("portal").get("AUTH_ISSUER_URI")).isEqualTo(environment("auth").get("AUTH_ISSUER_URI"));
        assertThat(environment("portal").get("PORTAL_URL")).as("the redirect the authorization server accepts")
                .isEqualTo(environment("auth").get("PORTAL_URL"));
        assertThat("{noop}" + environment("portal").get("PORTAL_CLIENT_SECRET")).as("the secret the authorization server checks")
                .isEqualTo(environment("auth").get("PORTAL_CLIENT_SECRET"));
        assertThat(String.join(" ", healthCheck("portal"))).contains("/actuator/health/readiness");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(String service) {
        return (Map<String, Object>) services.get(service).get("environment");
    }

    @SuppressWarnings("unchecked")
    private static List<String> healthCheck(String service) {
        return (List<String>) ((Map<String, Object>) services.get(service).get("healthcheck")).get("test");
    }

    private static List<String> concat(List<String> names, String... more) {
        List<String> all = new ArrayList<>(names);
        all.addAll(List.of(more));
        return all;
    }
}
