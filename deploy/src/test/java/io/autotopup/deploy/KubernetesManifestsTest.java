package io.autotopup.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.platform.testing.RequiredTools;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders each overlay of {@code deploy/k8s} with {@code kubectl kustomize} and checks what an operator relies
 * on: the objects parse as Kubernetes objects; Strimzi creates exactly the topics the code's catalogue names,
 * with its partitions, retention and compaction; every container is probed, limited and runs as non-root on
 * a read-only filesystem; every reference to a ConfigMap or Secret resolves.
 */
class KubernetesManifestsTest {

    private static final List<String> SERVICES = List.of("balance-service", "rule-engine-service", "payment-service",
            "notification-service");

    /** The payment retry tiers the manifests create: the default of {@code autotopup.payment.retry.delays}. */
    private static final int PAYMENT_RETRY_TIERS = 3;

    /** Created out of band in prod (from a vault), so not rendered; dev generates throwaway values. */
    private static final String CREDENTIALS = "autotopup-credentials";

    @BeforeAll
    static void needsKubectl() {
        RequiredTools.require(RenderedOverlay.kubectlAvailable(), "kubectl is not on the PATH: the Kubernetes manifests were NOT checked");
    }

    /**
     * Anyone reads the registry; only the authorization server's tokens with {@code schemas:write} change it (issue
     * 29): the settings the local registry is tested with ({@code SchemaRegistryWritersIT}), for the issuer and keys
     * the services are given; and the Job that registers the catalogue signs in as topupctl, at the server's Service.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    @SuppressWarnings("unchecked")
    void theSchemaRegistryTakesWritesOnlyFromTheAuthorizationServersTokensWithTheWriteScope(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        Map<String, String> settings = overlay.generatedConfigMap("autotopup-env").orElseThrow().getData();
        Map<String, String> expected = new HashMap<>();
        new io.autotopup.sandbox.registry.LocalSchemaRegistry.Writers(settings.get("AUTH_ISSUER_URI"),
                settings.get("AUTH_JWK_SET_URI")).properties().forEach(property -> {
            String[] parts = property.split("=", 2);
            expected.put(parts[0].toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), parts[1]);
        });
        GenericKubernetesResource registry = overlay.custom("ApicurioRegistry3").get(0);
        Map<String, String> env = new HashMap<>();
        for (Map<String, Object> variable : (List<Map<String, Object>>) registry.get("spec", "app", "env")) {
            Map<String, Object> from = (Map<String, Object>) variable.get("valueFrom");
            env.put(variable.get("name").toString(), from == null ? variable.get("value").toString()
                    : settings.get(((Map<String, Object>) from.get("configMapKeyRef")).get("key").toString()));
        }
        assertThat(env).as("the registry's settings in " + name).containsAllEntriesOf(expected);

        Map<String, io.fabric8.kubernetes.api.model.EnvVar> job = overlay.named(io.fabric8.kubernetes.api.model.batch.v1.Job.class,
                        "schemas-register").orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(io.fabric8.kubernetes.api.model.EnvVar::getName, variable -> variable));
        assertThat(job.get("AUTH_ISSUER_URI").getValue()).isEqualTo(settings.get("AUTH_JWK_SET_URI").replace("/oauth2/jwks", ""));
        assertThat(job.get("TOPUPCTL_CLIENT_SECRET").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("topupctl-client-secret-clear");
        if (name.equals("dev")) {
            Map<String, String> secret = overlay.generatedSecret(CREDENTIALS).orElseThrow().getData();
            String decoded = new String(java.util.Base64.getDecoder().decode(secret.get("topupctl-client-secret-clear")),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat("{noop}" + decoded).as("the secret the authorization server knows topupctl by")
                    .isEqualTo(new String(java.util.Base64.getDecoder().decode(secret.get("topupctl-client-secret")),
                            java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicOfTheCatalogueHasAKafkaTopicWithItsSettingsAndNoOtherTopicHasOne(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        Map<String, Map<String, String>> expected = new HashMap<>();
        for (Topic<String, ?> topic : Topics.ALL) {
            expected.put(topic.name(), topic.configs());
            expected.put(topic.deadLetterTopic(), Topic.logConfigs(Topic.DEAD_LETTER_RETENTION));
        }
        IntStream.range(0, PAYMENT_RETRY_TIERS).forEach(tier ->
                expected.put(Topics.TOP_UP_REQUESTS.retryTopic(tier), Topic.logConfigs(Topic.RETRY_RETENTION)));

        Map<String, GenericKubernetesResource> declared = overlay.custom("KafkaTopic").stream()
                .collect(Collectors.toMap(topic -> topic.getMetadata().getName(), topic -> topic));
        assertThat(declared.keySet()).as("KafkaTopics of " + overlay).containsExactlyInAnyOrderElementsOf(expected.keySet());
        int replicas = name.equals("prod") ? 3 : 1;
        declared.forEach((topicName, topic) -> {
            assertThat(number(topic.get("spec", "partitions"))).as(topicName + " partitions").isEqualTo(Topics.PARTITIONS);
            assertThat(number(topic.get("spec", "replicas"))).as(topicName + " replicas").isEqualTo(replicas);
            Map<String, String> config = strings(topic.get("spec", "config"));
            assertThat(config).as(topicName + " config").containsAllEntriesOf(expected.get(topicName));
            if (name.equals("prod")) {
                assertThat(config).as(topicName).containsEntry("min.insync.replicas", "2");
            }
            assertThat(topic.getMetadata().getLabels()).as(topicName).containsEntry("strimzi.io/cluster", "autotopup");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void kafkaRunsInKraftModeWithNodePoolsSizedForTheOverlay(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        assertThat(overlay.custom("Kafka")).singleElement().satisfies(kafka -> {
            assertThat(kafka.getMetadata().getAnnotations())
                    .containsEntry("strimzi.io/kraft", "enabled").containsEntry("strimzi.io/node-pools", "enabled");
            Map<String, String> config = strings(kafka.get("spec", "kafka", "config"));
            assertThat(config).containsEntry("auto.create.topics.enable", "false");
            if (name.equals("prod")) {
                assertThat(config).containsEntry("default.replication.factor", "3").containsEntry("min.insync.replicas", "2")
                        .containsEntry("transaction.state.log.replication.factor", "3")
                        .containsEntry("transaction.state.log.min.isr", "2");
            }
        });
        int brokers = overlay.custom("KafkaNodePool").stream().mapToInt(pool -> number(pool.get("spec", "replicas"))).sum();
        assertThat(brokers).isEqualTo(name.equals("prod") ? 3 : 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyContainerIsProbedLimitedAndRunsAsNonRootOnAReadOnlyFilesystem(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        Map<String, PodSpec> pods = overlay.podSpecs();
        assertThat(pods).isNotEmpty();
        pods.forEach((workload, pod) -> {
            for (Container container : RenderedOverlay.containers(pod)) {
                String where = overlay + "/" + workload + "/" + container.getName();
                assertThat(container.getLivenessProbe()).as(where + " liveness probe").isNotNull();
                assertThat(container.getReadinessProbe()).as(where + " readiness probe").isNotNull();
                assertThat(container.getResources().getLimits()).as(where + " limits").containsKeys("cpu", "memory");
                assertThat(container.getResources().getRequests()).as(where + " requests").containsKeys("cpu", "memory");
                boolean nonRoot = Boolean.TRUE.equals(container.getSecurityContext() != null
                        && container.getSecurityContext().getRunAsNonRoot() != null
                        ? container.getSecurityContext().getRunAsNonRoot()
                        : pod.getSecurityContext() != null ? pod.getSecurityContext().getRunAsNonRoot() : null);
                assertThat(nonRoot).as(where + " runs as non-root").isTrue();
                assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(where + " read-only root").isTrue();
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(where + " escalation").isFalse();
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceIsAStatefulSetWithStateVolumeStandbysServicesAndADisruptionBudget(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        for (String service : SERVICES) {
            StatefulSet set = overlay.named(StatefulSet.class, service).orElseThrow(() -> new AssertionError(service + " StatefulSet"));
            assertThat(set.getSpec().getReplicas()).as(service + " replicas").isEqualTo(name.equals("prod") ? 3 : 1);
            assertThat(set.getSpec().getVolumeClaimTemplates()).as(service + " state volume")
                    .anySatisfy(claim -> assertThat(claim.getMetadata().getName()).isEqualTo("state"));
            Container container = set.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getVolumeMounts()).as(service + " mounts")
                    .anySatisfy(mount -> assertThat(mount.getName()).isEqualTo("state"));
            String stateDirectory = container.getVolumeMounts().stream().filter(mount -> mount.getName().equals("state"))
                    .findFirst().orElseThrow().getMountPath();
            assertThat(container.getEnv()).as(service + " keeps Kafka Streams state on its volume")
                    .anySatisfy(env -> {
                        assertThat(env.getName()).endsWith("_STATE_DIR");
                        assertThat(env.getValue()).isEqualTo(stateDirectory);
                    });

            assertThat(overlay.named(Service.class, set.getSpec().getServiceName())).as(service + " headless service")
                    .hasValueSatisfying(headless -> assertThat(headless.getSpec().getClusterIP()).isEqualTo("None"));
            assertThat(overlay.named(Service.class, service)).as(service + " service").isPresent();
            assertThat(overlay.named(PodDisruptionBudget.class, service)).as(service + " disruption budget")
                    .hasValueSatisfying(budget -> assertThat(budget.getSpec().getSelector().getMatchLabels())
                            .isEqualTo(set.getSpec().getSelector().getMatchLabels()));
        }
        ConfigMap settings = overlay.generatedConfigMap("autotopup-settings").orElseThrow();
        assertThat(settings.getData().get("autotopup.yml")).as("standby replicas of Kafka Streams")
                .contains("num.standby.replicas: 1")
                .contains("replication.factor: " + (name.equals("prod") ? 3 : 1))
                .contains("replication-factor: " + (name.equals("prod") ? 3 : 1));
        // static membership, Kafka Streams and the listeners' consumers alike: a restarted pod takes its partitions at once
        Map<String, Object> kafka = child(child(new Yaml().load(settings.getData().get("autotopup.yml")), "spring"), "kafka");
        assertThat(child(child(kafka, "consumer"), "properties")).as("the listeners' consumers")
                .containsEntry("group.instance.id", "${INSTANCE_ID}");
        assertThat(child(child(kafka, "streams"), "properties")).as("Kafka Streams")
                .containsEntry("group.instance.id", "${INSTANCE_ID}");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> yaml, String key) {
        assertThat(yaml).as("settings").containsKey(key);
        return (Map<String, Object>) yaml.get(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesAskTheActuatorHealthGroupsOnAPortTheContainerOpens(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        for (String service : SERVICES) {
            Container container = overlay.named(StatefulSet.class, service).orElseThrow().getSpec().getTemplate().getSpec()
                    .getContainers().get(0);
            Set<String> ports = container.getPorts().stream().map(ContainerPort::getName).collect(Collectors.toSet());
            assertThat(httpGet(container.getLivenessProbe(), ports)).as(service).isEqualTo("/actuator/health/liveness");
            assertThat(httpGet(container.getReadinessProbe(), ports)).as(service).isEqualTo("/actuator/health/readiness");
            assertThat(httpGet(container.getStartupProbe(), ports)).as(service).isEqualTo("/actuator/health/liveness");
        }
    }

    /**
     * Issue 30: Prometheus scrapes every pod of autotopup (the PodMonitor selects each workload's pods by their labels,
     * on the port their container opens, at the actuator's Prometheus endpoint), and the alerts of docs/operations.md
     * are a PrometheusRule: each with a severity, a summary and a runbook line, on a series docs/operations.md names.
     * That a running service publishes each series is checked by {@code AutoTopUpJourneyIT}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    @SuppressWarnings("unchecked")
    void everyPodIsScrapedAndEveryAlertOfTheOperationsGuideHasASeverityAndARunbook(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        List<GenericKubernetesResource> monitors = overlay.custom("PodMonitor");
        assertThat(monitors).hasSize(1);
        Map<String, Object> monitor = monitors.get(0).getAdditionalProperties();
        Map<String, Object> spec = (Map<String, Object>) monitor.get("spec");
        List<Map<String, Object>> expressions = (List<Map<String, Object>>) ((Map<String, Object>) spec.get("selector")).get("matchExpressions");
        assertThat(expressions).hasSize(1);
        assertThat(expressions.get(0)).containsEntry("key", "app.kubernetes.io/name").containsEntry("operator", "In");
        List<String> scraped = (List<String>) expressions.get(0).get("values");
        Map<String, Object> endpoint = ((List<Map<String, Object>>) spec.get("podMetricsEndpoints")).get(0);
        assertThat(endpoint).containsEntry("path", "/actuator/prometheus");
        List<String> workloads = new java.util.ArrayList<>(SERVICES);
        workloads.addAll(List.of("kyc-service", "auth", "portal"));
        Map<String, io.fabric8.kubernetes.api.model.PodTemplateSpec> templates = overlay.podTemplates();
        for (String workload : workloads) {
            var template = templates.get(workload);
            assertThat(template).as(workload).isNotNull();
            assertThat(scraped).as("the PodMonitor selects " + workload).contains(template.getMetadata().getLabels().get("app.kubernetes.io/name"));
            assertThat(template.getSpec().getContainers().get(0).getPorts()).extracting(ContainerPort::getName).as(workload)
                    .contains((String) endpoint.get("port"));
        }

        List<GenericKubernetesResource> rules = overlay.custom("PrometheusRule");
        assertThat(rules).hasSize(1);
        String operations = java.nio.file.Files.readString(RepositoryFiles.root().resolve("docs/operations.md"));
        Set<String> alerts = new java.util.TreeSet<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) ((Map<String, Object>) rules.get(0).getAdditionalProperties()
                .get("spec")).get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                String alert = (String) rule.get("alert");
                assertThat(alerts.add(alert)).as("one alert named " + alert).isTrue();
                assertThat((Map<String, Object>) rule.get("labels")).as(alert).containsKey("severity");
                Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
                assertThat(annotations).as(alert).containsKeys("summary", "runbook");
                assertThat((String) annotations.get("runbook")).as(alert).hasSizeGreaterThan(30);
                java.util.regex.Matcher series = java.util.regex.Pattern.compile("\\b(autotopup_[a-z_]+?)(?:_total)?\\b")
                        .matcher(String.valueOf(rule.get("expr")));
                while (series.find()) {
                    assertThat(operations).as(alert + " watches a series the operations guide names").contains(series.group(1));
                }
            }
        }
        // what docs/operations.md says to alert on, each by the series it watches
        assertThat(rules.get(0).getAdditionalProperties().get("spec").toString())
                .contains("autotopup_dead_letters_total", "autotopup_ledger_refused_total", "GATEWAY_UNAVAILABLE",
                        "gateway-charge", "autotopup_topups_deferred_total", "autotopup_sms_send_failures_total", "sms-submit",
                        "records_lag_max", "up{", "autotopup_topups_held", "autotopup_reconciliation_unresolved",
                        "autotopup_reconciliation_last_success_seconds", "autotopup_verification_ceiling_refusals_total");
    }

    /**
     * Issue 30: from outside, people reach the portal and the authorization server only, each at the host the services
     * are told it has (PORTAL_URL, AUTH_ISSUER_URI), over TLS with a certificate from cert-manager and HTTP redirected
     * where those addresses are https;
     * on both hosts /actuator goes to a Service that selects no pod, so the metrics stay inside the cluster.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theIngressServesThePortalAndTheAuthorizationServerOverTlsAndNothingElse(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        List<io.fabric8.kubernetes.api.model.networking.v1.Ingress> ingresses =
                overlay.all(io.fabric8.kubernetes.api.model.networking.v1.Ingress.class);
        assertThat(ingresses).hasSize(1);
        var ingress = ingresses.get(0);
        Map<String, String> env = overlay.generatedConfigMap("autotopup-env").orElseThrow().getData();
        // HTTP is redirected wherever the addresses people are given are https (prod; dev's are plain HTTP)
        String https = String.valueOf(env.get("PORTAL_URL").startsWith("https:") && env.get("AUTH_ISSUER_URI").startsWith("https:"));
        assertThat(ingress.getMetadata().getAnnotations()).containsKey("cert-manager.io/cluster-issuer")
                .containsEntry("nginx.ingress.kubernetes.io/force-ssl-redirect", https);
        if (name.equals("prod")) {
            assertThat(https).as("prod's addresses").isEqualTo("true");
        }
        Map<String, String> exposed = Map.of(java.net.URI.create(env.get("PORTAL_URL")).getHost(), "portal",
                java.net.URI.create(env.get("AUTH_ISSUER_URI")).getHost(), "auth");
        Set<String> tlsHosts = ingress.getSpec().getTls().stream().peek(tls -> assertThat(tls.getSecretName()).isNotBlank())
                .flatMap(tls -> tls.getHosts().stream()).collect(Collectors.toSet());
        assertThat(tlsHosts).containsExactlyInAnyOrderElementsOf(exposed.keySet());
        assertThat(ingress.getSpec().getRules()).extracting(rule -> rule.getHost())
                .containsExactlyInAnyOrderElementsOf(exposed.keySet());
        List<Map<String, String>> podLabels = overlay.podTemplates().values().stream().map(template -> template.getMetadata().getLabels())
                .toList();
        for (var rule : ingress.getSpec().getRules()) {
            Map<String, String> backends = new HashMap<>();
            rule.getHttp().getPaths().forEach(path -> backends.put(path.getPath(), path.getBackend().getService().getName()));
            assertThat(backends).as(rule.getHost()).containsOnlyKeys("/", "/actuator")
                    .containsEntry("/", exposed.get(rule.getHost()));
            Service hidden = overlay.named(Service.class, backends.get("/actuator")).orElseThrow();
            assertThat(podLabels).as("no pod behind " + rule.getHost() + "/actuator")
                    .noneMatch(labels -> labels.entrySet().containsAll(hidden.getSpec().getSelector().entrySet()));
            Service served = overlay.named(Service.class, backends.get("/")).orElseThrow();
            assertThat(podLabels).as("pods behind " + rule.getHost())
                    .anyMatch(labels -> labels.entrySet().containsAll(served.getSpec().getSelector().entrySet()));
        }
    }

    /**
     * Issue 30: the NetworkPolicies deny by default and let each workload reach exactly what it calls. Every in-cluster
     * address a workload's settings give it (Kafka, the registry, the authorization server's keys, the services' APIs,
     * dev's sandbox) is allowed both ways, egress from it and ingress to the pods behind the address, on the port those
     * pods open; and the calls no workload makes are refused: the portal does not reach Kafka, the carrier-facing
     * services do not reach one another, the Job reaches nothing but the registry and auth.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkPoliciesLetEachWorkloadReachWhatItsSettingsNameAndNothingElse(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        Policies policies = new Policies(overlay);
        assertThat(overlay.all(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class))
                .anySatisfy(policy -> {
                    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
                    assertThat(policy.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
                    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
                    assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
                });
        Map<String, Map<String, String>> pods = policies.podLabels;
        assertThat(pods).containsKeys("balance-service", "rule-engine-service", "payment-service", "notification-service",
                "kyc-service", "auth", "portal", "schemas-register", "schema-registry", "kafka");
        Map<String, String> env = overlay.generatedConfigMap("autotopup-env").orElseThrow().getData();
        Map<String, String> settings = overlay.generatedConfigMap("autotopup-settings").orElseThrow().getData();
        int checked = 0;
        for (var workload : overlay.podTemplates().entrySet()) {
            for (Container container : RenderedOverlay.containers(workload.getValue().getSpec())) {
                for (EnvVar variable : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
                    String value = variable.getValue();
                    if (variable.getValueFrom() != null && variable.getValueFrom().getConfigMapKeyRef() != null) {
                        var ref = variable.getValueFrom().getConfigMapKeyRef();
                        value = (ref.getName().startsWith("autotopup-env") ? env : settings).get(ref.getKey());
                    }
                    var address = policies.inCluster(value);
                    if (address != null) {
                        assertThat(policies.allows(workload.getKey(), address.getKey(), address.getValue()))
                                .as(workload.getKey() + " reaches " + value + " (" + variable.getName() + ")").isTrue();
                        checked++;
                    }
                }
            }
        }
        // the portal's addresses of the five APIs and auth, auth's of balance-service, the Job's two (dev: and the sandbox's)
        assertThat(checked).as("in-cluster addresses checked").isGreaterThanOrEqualTo(9);
        // the addresses every service has from autotopup-env (envFrom): Kafka, the registry, the issuer's keys
        for (String service : List.of("balance-service", "rule-engine-service", "payment-service", "notification-service",
                "kyc-service", "auth")) {
            assertThat(policies.allows(service, policies.inCluster(env.get("KAFKA_BOOTSTRAP_SERVERS")).getKey(), 9092))
                    .as(service + " reaches Kafka").isTrue();
            assertThat(policies.allows(service, "schema-registry", 8080)).as(service + " reaches the registry").isTrue();
            if (!service.equals("auth")) {
                var keys = policies.inCluster(env.get("AUTH_JWK_SET_URI"));
                assertThat(policies.allows(service, keys.getKey(), keys.getValue())).as(service + " reaches the issuer's keys").isTrue();
            }
        }
        // the registry's own calls, which its custom resource names: its journal in Kafka and the writers' keys at auth
        assertThat(policies.allows("schema-registry", "kafka", 9092)).isTrue();
        assertThat(policies.allows("schema-registry", "auth", 8080)).isTrue();
        // what nobody calls
        assertThat(policies.allows("portal", "kafka", 9092)).as("portal to Kafka").isFalse();
        assertThat(policies.allows("schemas-register", "kafka", 9092)).as("the Job to Kafka").isFalse();
        for (String from : SERVICES) {
            for (String to : SERVICES) {
                if (!from.equals(to)) {
                    assertThat(policies.allows(from, to, 8080)).as(from + " to " + to).isFalse();
                }
            }
            assertThat(policies.allows(from, "portal", 8080)).as(from + " to the portal").isFalse();
        }
        assertThat(policies.allows("balance-service", "balance-service", 8080)).as("owner routing between instances").isTrue();
        if (name.equals("dev")) {
            assertThat(policies.allows("payment-service", "sandbox", 8090)).isTrue();
            assertThat(policies.allows("notification-service", "sandbox", 2775)).as("SMPP").isTrue();
            assertThat(policies.allows("balance-service", "sandbox", 8090)).isFalse();
        }
    }

    /** The rendered NetworkPolicies, read as Kubernetes enforces them within one namespace. */
    private static final class Policies {
        final List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy> all;
        /** Each workload's pod labels, and those of the pods operators make (the registry's, Kafka's). */
        final Map<String, Map<String, String>> podLabels = new java.util.TreeMap<>();
        final Map<String, Map<String, Integer>> ports = new HashMap<>();
        final RenderedOverlay overlay;

        @SuppressWarnings("unchecked")
        Policies(RenderedOverlay overlay) {
            this.overlay = overlay;
            this.all = overlay.all(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
            overlay.podTemplates().forEach((workload, template) -> workload(workload, template.getMetadata().getLabels(),
                    template.getSpec()));
            Map<String, Object> registryApp = (Map<String, Object>) ((Map<String, Object>) overlay.custom("ApicurioRegistry3").get(0)
                    .getAdditionalProperties().get("spec")).get("app");
            podLabels.put("schema-registry", strings(((Map<String, Object>) ((Map<String, Object>) registryApp.get("podTemplateSpec"))
                    .get("metadata")).get("labels")));
            ports.put("schema-registry", Map.of("http", 8080));
            podLabels.put("kafka", Map.of("strimzi.io/cluster", "autotopup", "strimzi.io/kind", "Kafka"));
            ports.put("kafka", Map.of("clients", 9092));
        }

        private void workload(String name, Map<String, String> labels, PodSpec pod) {
            podLabels.put(name, labels);
            Map<String, Integer> opened = new HashMap<>();
            RenderedOverlay.containers(pod).forEach(container -> (container.getPorts() == null ? List.<ContainerPort>of()
                    : container.getPorts()).forEach(port -> opened.put(port.getName(), port.getContainerPort())));
            ports.put(name, opened);
        }

        /** The workload and pod port behind an in-cluster address (http://service[:port]/…, service:port), or null. */
        Map.Entry<String, Integer> inCluster(String value) {
            if (value == null) {
                return null;
            }
            java.util.regex.Matcher address = java.util.regex.Pattern.compile("^(?:http://)?([a-z0-9-]+)(?::(\\d+))?(?:/.*)?$").matcher(value);
            if (!address.matches() || (!value.startsWith("http://") && address.group(2) == null)) {
                return null;
            }
            String host = address.group(1);
            int port = address.group(2) == null ? 80 : Integer.parseInt(address.group(2));
            if (host.equals("autotopup-kafka-bootstrap")) {
                return Map.entry("kafka", port);
            }
            if (host.equals("schema-registry-app-service")) {
                return Map.entry("schema-registry", 8080);
            }
            Service service = overlay.named(Service.class, host).orElse(null);
            if (service == null) {
                return null;
            }
            var servicePort = service.getSpec().getPorts().stream().filter(p -> p.getPort() == port).findFirst().orElseThrow(
                    () -> new AssertionError(value + ": Service " + host + " has no port " + port));
            String workload = podLabels.entrySet().stream().filter(pod -> pod.getValue().entrySet()
                    .containsAll(service.getSpec().getSelector().entrySet())).map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new AssertionError(value + ": no pod behind Service " + host));
            var target = servicePort.getTargetPort();
            int podPort = target == null ? port : target.getStrVal() != null ? ports.get(workload).get(target.getStrVal()) : target.getIntVal();
            return Map.entry(workload, podPort);
        }

        boolean allows(String from, String to, int port) {
            Map<String, String> source = podLabels.get(from);
            Map<String, String> destination = podLabels.get(to);
            boolean egress = all.stream().filter(policy -> selects(policy.getSpec().getPodSelector(), source)
                            && policy.getSpec().getPolicyTypes().contains("Egress"))
                    .anyMatch(policy -> policy.getSpec().getEgress() != null && policy.getSpec().getEgress().stream()
                            .anyMatch(rule -> ports(rule.getPorts(), port) && peers(rule.getTo(), destination)));
            boolean ingress = all.stream().filter(policy -> selects(policy.getSpec().getPodSelector(), destination)
                            && policy.getSpec().getPolicyTypes().contains("Ingress"))
                    .anyMatch(policy -> policy.getSpec().getIngress() != null && policy.getSpec().getIngress().stream()
                            .anyMatch(rule -> ports(rule.getPorts(), port) && peers(rule.getFrom(), source)));
            return egress && ingress;
        }

        private static boolean ports(List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort> ports, int port) {
            return ports == null || ports.isEmpty() || ports.stream().anyMatch(p -> p.getPort() == null || p.getPort().getIntVal() == port);
        }

        /** Whether one of the peers is a pod of this namespace with these labels (no peers: every pod). */
        private static boolean peers(List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer> peers, Map<String, String> labels) {
            return peers == null || peers.isEmpty() || peers.stream().anyMatch(peer -> peer.getNamespaceSelector() == null
                    && peer.getIpBlock() == null && selects(peer.getPodSelector(), labels));
        }

        private static boolean selects(io.fabric8.kubernetes.api.model.LabelSelector selector, Map<String, String> labels) {
            if (selector == null) {
                return false;
            }
            boolean matches = selector.getMatchLabels() == null || labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
            if (selector.getMatchExpressions() != null) {
                for (var expression : selector.getMatchExpressions()) {
                    String value = labels.get(expression.getKey());
                    matches &= switch (expression.getOperator()) {
                        case "In" -> expression.getValues().contains(value);
                        case "NotIn" -> !expression.getValues().contains(value);
                        case "Exists" -> value != null;
                        default -> value == null;
                    };
                }
            }
            return matches;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void autoscalersOnlyScaleServicesThatCanAndNeverBeyondThePartitions(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        List<HorizontalPodAutoscaler> autoscalers = overlay.all(HorizontalPodAutoscaler.class);
        assertThat(autoscalers).extracting(hpa -> hpa.getSpec().getScaleTargetRef().getName())
                .containsExactlyInAnyOrder("payment-service", "notification-service");
        for (HorizontalPodAutoscaler hpa : autoscalers) {
            assertThat(overlay.named(StatefulSet.class, hpa.getSpec().getScaleTargetRef().getName())).isPresent();
            assertThat(hpa.getSpec().getMaxReplicas()).isLessThanOrEqualTo(Topics.PARTITIONS);
            assertThat(hpa.getSpec().getMinReplicas()).isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyConfigMapAndSecretAWorkloadNamesExistsWithTheKeysItReads(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        Map<String, Set<String>> configMaps = overlay.all(ConfigMap.class).stream()
                .collect(Collectors.toMap(map -> map.getMetadata().getName(), map -> map.getData().keySet()));
        Map<String, Set<String>> secrets = overlay.all(Secret.class).stream().collect(Collectors.toMap(
                secret -> secret.getMetadata().getName(), secret -> keys(secret)));
        Set<String> credentialKeys = new java.util.TreeSet<>();
        // the one-shot Jobs (the schemas' registration) read settings and secrets too
        Map<String, PodSpec> pods = new java.util.TreeMap<>(overlay.podSpecs());
        overlay.all(io.fabric8.kubernetes.api.model.batch.v1.Job.class).forEach(job ->
                pods.put(job.getMetadata().getName(), job.getSpec().getTemplate().getSpec()));
        pods.forEach((workload, pod) -> {
            for (Volume volume : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
                if (volume.getConfigMap() != null) {
                    assertThat(configMaps).as(workload + " volume").containsKey(volume.getConfigMap().getName());
                }
            }
            for (Container container : RenderedOverlay.containers(pod)) {
                for (EnvFromSource source : container.getEnvFrom() == null ? List.<EnvFromSource>of() : container.getEnvFrom()) {
                    assertThat(configMaps).as(workload + " envFrom").containsKey(source.getConfigMapRef().getName());
                }
                for (EnvVar env : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
                    if (env.getValueFrom() == null) {
                        continue;
                    }
                    if (env.getValueFrom().getConfigMapKeyRef() != null) {
                        var reference = env.getValueFrom().getConfigMapKeyRef();
                        assertThat(configMaps.get(reference.getName())).as(workload + " " + env.getName()).contains(reference.getKey());
                    }
                    if (env.getValueFrom().getSecretKeyRef() != null) {
                        var reference = env.getValueFrom().getSecretKeyRef();
                        if (name.equals("prod")) {
                            assertThat(reference.getName()).as(workload + " " + env.getName()).isEqualTo(CREDENTIALS);
                            credentialKeys.add(reference.getKey());
                        } else {
                            assertThat(secrets.get(reference.getName())).as(workload + " " + env.getName()).contains(reference.getKey());
                        }
                    }
                }
            }
        });
        if (name.equals("prod")) {
            assertThat(secrets).as("prod renders no Secret; the operator creates " + CREDENTIALS).isEmpty();
            assertThat(credentialKeys).as("the keys deploy/README.md tells operators to put in " + CREDENTIALS)
                    .containsExactlyInAnyOrder("verification-code-key", "gateway-api-key", "smpp-system-id", "smpp-password",
                            "auth-signing-keys", "topupctl-client-secret", "topupctl-client-secret-clear", "portal-client-secret", "portal-client-secret-encoded",
                            "carrier-client-secret", "object-store-access-key", "object-store-secret-key", "document-keys",
                            "document-key-id", "payment-token-keys");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    @SuppressWarnings("unchecked")
    void theSchemaRegistryKeepsItsSchemasInKafkaAndAJobRegistersTheCatalogueWhereTheServicesLookThemUp(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        Map<String, String> environment = overlay.all(ConfigMap.class).stream()
                .filter(map -> map.getMetadata().getName().startsWith("autotopup-env")).findFirst().orElseThrow().getData();
        GenericKubernetesResource registry = overlay.custom("ApicurioRegistry3").stream().findFirst()
                .orElseThrow(() -> new AssertionError("an ApicurioRegistry3"));
        Map<String, Object> app = (Map<String, Object>) registry.getAdditionalProperties().get("spec") == null ? Map.of()
                : (Map<String, Object>) ((Map<String, Object>) registry.getAdditionalProperties().get("spec")).get("app");
        Map<String, Object> storage = (Map<String, Object>) app.get("storage");
        assertThat(storage).as("the schemas live in Kafka").containsEntry("type", "kafkasql");
        assertThat((Map<String, Object>) storage.get("kafkasql")).containsEntry("bootstrapServers", environment.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertThat(app.get("replicas")).isEqualTo(name.equals("prod") ? 2 : 1);
        assertThat(environment.get("AUTOTOPUP_SCHEMA_REGISTRY_URL")).as("the operator's Service for the registry's API")
                .isEqualTo("http://" + registry.getMetadata().getName() + "-app-service:8080/apis/ccompat/v7");
        io.fabric8.kubernetes.api.model.batch.v1.Job job = overlay.named(io.fabric8.kubernetes.api.model.batch.v1.Job.class, "schemas-register")
                .orElseThrow(() -> new AssertionError("the Job that registers the catalogue"));
        Container topupctl = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(topupctl.getImage()).startsWith("autotopup/topupctl:");
        assertThat(topupctl.getArgs()).containsExactly("schemas", "register");
        assertThat(topupctl.getEnv()).filteredOn(env -> env.getName().equals("SCHEMA_REGISTRY_URL")).singleElement().satisfies(env -> {
            assertThat(env.getValueFrom().getConfigMapKeyRef().getName()).startsWith("autotopup-env-");
            assertThat(env.getValueFrom().getConfigMapKeyRef().getKey()).isEqualTo("AUTOTOPUP_SCHEMA_REGISTRY_URL");
        });
        assertThat(topupctl.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theAuthorizationServerRunsWithItsKeysFromTheSecretAndEveryServiceTrustsIt(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        io.fabric8.kubernetes.api.model.apps.Deployment auth = overlay.named(io.fabric8.kubernetes.api.model.apps.Deployment.class, "auth")
                .orElseThrow(() -> new AssertionError("the auth Deployment"));
        assertThat(auth.getSpec().getReplicas()).isEqualTo(name.equals("prod") ? 2 : 1);
        Container container = auth.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getEnv()).filteredOn(env -> env.getName().equals("AUTH_SIGNING_KEYS")).singleElement()
                .satisfies(env -> assertThat(env.getValueFrom().getSecretKeyRef().getName()).startsWith(CREDENTIALS));
        assertThat(overlay.named(io.fabric8.kubernetes.api.model.Service.class, "auth").orElseThrow().getSpec().getSessionAffinity())
                .as("one sign-in's pages on one pod").isEqualTo("ClientIP");
        Map<String, String> environment = overlay.all(ConfigMap.class).stream()
                .filter(map -> map.getMetadata().getName().startsWith("autotopup-env")).findFirst().orElseThrow().getData();
        assertThat(environment).containsKeys("AUTH_ISSUER_URI").containsEntry("AUTH_JWK_SET_URI", "http://auth/oauth2/jwks");
        for (String service : SERVICES) {
            assertThat(overlay.named(StatefulSet.class, service).orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0)
                    .getEnvFrom()).as(service + " reads the issuer it trusts").anySatisfy(from ->
                    assertThat(from.getConfigMapRef().getName()).startsWith("autotopup-env"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void thePortalSignsPeopleInWithItsClientSecretAndCallsTheServicesInsideTheCluster(String name) throws Exception {
        RenderedOverlay overlay = RenderedOverlay.render(name);
        io.fabric8.kubernetes.api.model.apps.Deployment portal = overlay.named(io.fabric8.kubernetes.api.model.apps.Deployment.class,
                "portal").orElseThrow(() -> new AssertionError("the portal Deployment"));
        assertThat(portal.getSpec().getReplicas()).isEqualTo(name.equals("prod") ? 2 : 1);
        Map<String, EnvVar> env = portal.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("PORTAL_CLIENT_SECRET").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("portal-client-secret");
        assertThat(env.get("GATEWAY_PUBLIC_URL").getValueFrom().getConfigMapKeyRef().getKey()).isEqualTo("gateway-public-url");
        assertThat(env.get("SECURE_COOKIES").getValue()).isEqualTo("true");
        assertThat(env.get("BALANCE_URL").getValue()).isEqualTo("http://balance-service");
        assertThat(overlay.named(io.fabric8.kubernetes.api.model.Service.class, "portal").orElseThrow().getSpec().getSessionAffinity())
                .as("a person's session on one pod").isEqualTo("ClientIP");
        Map<String, String> environment = overlay.all(ConfigMap.class).stream()
                .filter(map -> map.getMetadata().getName().startsWith("autotopup-env")).findFirst().orElseThrow().getData();
        assertThat(environment).as("where the authorization server sends people back").containsKey("PORTAL_URL");
    }

    private static String httpGet(Probe probe, Set<String> ports) {
        assertThat(probe).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as("an HTTP probe").isNotNull();
        assertThat(ports).as("the probe's port is opened by the container").contains(get.getPort().getStrVal());
        return get.getPath();
    }

    private static Set<String> keys(Secret secret) {
        Set<String> keys = new java.util.HashSet<>();
        if (secret.getData() != null) {
            keys.addAll(secret.getData().keySet());
        }
        if (secret.getStringData() != null) {
            keys.addAll(secret.getStringData().keySet());
        }
        return keys;
    }

    private static int number(Object value) {
        return ((Number) value).intValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> strings(Object map) {
        Map<String, String> strings = new HashMap<>();
        ((Map<String, Object>) map).forEach((key, value) -> strings.put(key, String.valueOf(value)));
        return strings;
    }
}
