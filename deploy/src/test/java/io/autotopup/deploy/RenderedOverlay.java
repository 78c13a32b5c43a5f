package io.autotopup.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An overlay of {@code deploy/k8s} as {@code kubectl kustomize} renders it, parsed into fabric8's Kubernetes
 * model: typed objects for Kubernetes' own kinds, generic ones for Strimzi's.
 */
record RenderedOverlay(String name, List<HasMetadata> objects) {

    /** Whether {@code kubectl} (which has kustomize built in) is on the PATH. */
    static boolean kubectlAvailable() {
        try {
            Process process = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static RenderedOverlay render(String overlay) throws IOException, InterruptedException {
        Path directory = RepositoryFiles.root().resolve("deploy/k8s/overlays").resolve(overlay);
        Process process = new ProcessBuilder("kubectl", "kustomize", directory.toString()).start();
        byte[] stdout = process.getInputStream().readAllBytes();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("kubectl kustomize " + directory + " failed: " + stderr);
        }
        Object parsed = new KubernetesSerialization().unmarshal(new String(stdout, StandardCharsets.UTF_8));
        List<HasMetadata> objects = new ArrayList<>();
        if (parsed instanceof List<?> list) {
            list.forEach(object -> objects.add((HasMetadata) object));
        } else {
            objects.add((HasMetadata) parsed);
        }
        return new RenderedOverlay(overlay, List.copyOf(objects));
    }

    <T extends HasMetadata> List<T> all(Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** Strimzi's custom resources, by kind ({@code Kafka}, {@code KafkaNodePool}, {@code KafkaTopic}). */
    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(resource -> kind.equals(resource.getKind())).toList();
    }

    <T extends HasMetadata> Optional<T> named(Class<T> kind, String name) {
        return all(kind).stream().filter(object -> object.getMetadata().getName().equals(name)).findFirst();
    }

    /** The ConfigMap that kustomize generated from {@code name} (its name gets a content hash). */
    Optional<ConfigMap> generatedConfigMap(String name) {
        return all(ConfigMap.class).stream().filter(map -> isGenerated(map, name)).findFirst();
    }

    Optional<Secret> generatedSecret(String name) {
        return all(Secret.class).stream().filter(secret -> isGenerated(secret, name)).findFirst();
    }

    /** Every pod template of the overlay, by the name of the workload that owns it. */
    Map<String, PodSpec> podSpecs() {
        Map<String, PodSpec> pods = new java.util.TreeMap<>();
        all(StatefulSet.class).forEach(set -> pods.put(set.getMetadata().getName(), set.getSpec().getTemplate().getSpec()));
        all(Deployment.class).forEach(deployment -> pods.put(deployment.getMetadata().getName(),
                deployment.getSpec().getTemplate().getSpec()));
        return pods;
    }

    /** Every pod template of the overlay, Jobs' included, by the name of the workload that owns it. */
    Map<String, io.fabric8.kubernetes.api.model.PodTemplateSpec> podTemplates() {
        Map<String, io.fabric8.kubernetes.api.model.PodTemplateSpec> templates = new java.util.TreeMap<>();
        all(StatefulSet.class).forEach(set -> templates.put(set.getMetadata().getName(), set.getSpec().getTemplate()));
        all(Deployment.class).forEach(deployment -> templates.put(deployment.getMetadata().getName(), deployment.getSpec().getTemplate()));
        all(io.fabric8.kubernetes.api.model.batch.v1.Job.class).forEach(job -> templates.put(job.getMetadata().getName(),
                job.getSpec().getTemplate()));
        return templates;
    }

    static List<Container> containers(PodSpec pod) {
        List<Container> containers = new ArrayList<>(pod.getContainers());
        if (pod.getInitContainers() != null) {
            containers.addAll(pod.getInitContainers());
        }
        return containers;
    }

    private static boolean isGenerated(HasMetadata object, String name) {
        return object.getMetadata().getName().matches(java.util.regex.Pattern.quote(name) + "-[a-z0-9]{10}");
    }

    @Override
    public String toString() {
        return name;
    }
}
