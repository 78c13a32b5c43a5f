package io.autotopup.soak;

import io.autotopup.platform.testing.TestIssuer;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.sandbox.smsc.SmsCentreSimulator;
import io.autotopup.schemas.TopicLeaders;
import io.autotopup.schemas.Topics;
import io.autotopup.topupctl.stack.StackClient;
import io.autotopup.topupctl.stack.StackEndpoints;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The system under the soak: the brokers, the sandbox gateway and SMS centre and a token issuer in this JVM, and the
 * services as separate JVMs: two instances each of balance-service and payment-service, one of the rule engine and of
 * notification-service, configured as the production overlay configures them (replication 3, static membership, a
 * standby replica of balance-service's stores).
 */
final class Stack implements AutoCloseable {

    /** module, instances */
    private static final Map<String, Integer> LAYOUT = new java.util.LinkedHashMap<>();

    static {
        LAYOUT.put("balance-service", 2);
        LAYOUT.put("rule-engine-service", 1);
        LAYOUT.put("payment-service", 2);
        LAYOUT.put("notification-service", 1);
    }

    final Brokers brokers;
    final SandboxGateway gateway;
    final SmsCentreSimulator smsc;
    final TestIssuer issuer;
    final List<Instance> instances = new ArrayList<>();
    private final Path logs;
    private final PrintStream out;

    private Stack(Brokers brokers, SandboxGateway gateway, SmsCentreSimulator smsc, TestIssuer issuer, Path logs, PrintStream out) {
        this.brokers = brokers;
        this.gateway = gateway;
        this.smsc = smsc;
        this.issuer = issuer;
        this.logs = logs;
        this.out = out;
    }

    static Stack start(Path root, Path work, Soak.Options options, PrintStream out) throws IOException, InterruptedException {
        Path logs = Files.createDirectories(work.resolve("logs"));
        out.println("soak | starting " + options.brokers() + " Kafka nodes (KRaft, replication 3, min.insync.replicas 2)"
                + (options.jvmOptions().isEmpty() ? "" : "; every JVM with " + String.join(" ", options.jvmOptions())));
        Brokers brokers = Brokers.start(work.resolve("kafka"), options.brokers(), options.jvmOptions(), log(logs, "kafka"));
        Stack stack = new Stack(brokers, SandboxGateway.start(0), SmsCentreSimulator.start(0, 0), TestIssuer.start(), logs, out);
        try (Admin admin = brokers.admin()) {
            // the topics as the services create them, so that the carrier's registrations can be written before they start
            List<NewTopic> topics = Topics.newTopics((short) 3);
            admin.createTopics(topics, new CreateTopicsOptions().timeoutMs(60_000)).all().get(60, TimeUnit.SECONDS);
            TopicLeaders.await(admin, topics.stream().collect(Collectors.toMap(NewTopic::name, NewTopic::numPartitions)));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            stack.close();
            throw new IllegalStateException("Creating the topics failed", e);
        }
        return stack;
    }

    /** The key that seals payment tokens on payment-methods: payment-service's, and the bulk import's ({@link Feed}). */
    static final String PAYMENT_TOKEN_KEYS = "soak:" + Base64.getEncoder().encodeToString(
            "soak-payment-token-key-32-bytes!".getBytes(StandardCharsets.US_ASCII));
    static final io.autotopup.platform.security.PaymentTokens PAYMENT_TOKENS = new io.autotopup.platform.security.PaymentTokens(
            io.autotopup.platform.security.EnvelopeCipher.configured("soak", PAYMENT_TOKEN_KEYS, null));

    /** Starts every service instance (the layout above); {@link #awaitHealthy} waits until they answer UP. */
    void startServices(Path root, Path work, Soak.Options options) throws IOException {
        String key = Base64.getEncoder().encodeToString("soak-one-time-codes-key-32-bytes".getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, Integer> service : LAYOUT.entrySet()) {
            String module = service.getKey();
            Path jar = root.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT-exec.jar");
            if (!Files.exists(jar)) {
                throw new IllegalStateException("No " + jar + ": build first (./mvnw -DskipTests package)");
            }
            for (int n = 1; n <= service.getValue(); n++) {
                String name = module.replace("-service", "") + "-" + n;
                int port = Ports.free();
                List<String> arguments = new ArrayList<>(List.of("-Xms128m", "-Xmx320m", "-XX:+UseSerialGC"));
                arguments.addAll(options.jvmOptions());
                arguments.addAll(List.of("-jar", jar.toString(),
                        "--spring.kafka.bootstrap-servers=" + brokers.bootstrap(), "--server.port=" + port,
                        "--server.address=127.0.0.1",
                        "--spring.kafka.streams.state-dir=" + work.resolve("state").resolve(name),
                        "--autotopup.verification.key=" + key,
                        issuer.trustedByArguments(0).get(0), issuer.trustedByArguments(0).get(1), issuer.trustedByArguments(0).get(2),
                        "--autotopup.gateway.base-url=" + gateway.baseUrl(), "--autotopup.smpp.port=" + smsc.smppPort(),
                        // the production overlay's settings (deploy/k8s/overlays/prod/config/autotopup.yml)
                        "--autotopup.kafka.replication-factor=3",
                        "--spring.kafka.streams.properties.replication.factor=3",
                        "--spring.kafka.streams.properties.group.instance.id=" + name,
                        "--spring.kafka.consumer.properties.group.instance.id=" + name,
                        "--spring.kafka.streams.properties.num.standby.replicas=" + (service.getValue() > 1 ? 1 : 0),
                        "--autotopup.balance.unknown-msisdn-grace=" + options.unknownNumberGrace().toMillis() + "ms",
                        "--logging.level.root=WARN",
                        "--autotopup.payment.token-keys=" + (module.equals("payment-service") ? PAYMENT_TOKEN_KEYS : ""),
                        // who reads which partitions when: each join, assignment and revocation of every group
                        "--logging.level.org.apache.kafka.clients.consumer.internals.ConsumerCoordinator=INFO",
                        "--logging.level.org.apache.kafka.clients.consumer.internals.AbstractCoordinator=INFO"));
                if (service.getValue() > 1) {
                    // the other instance answers a subscriber it does not own by forwarding to the owner
                    arguments.add("--spring.kafka.streams.properties.application.server=127.0.0.1:" + port);
                }
                Instance instance = new Instance(name, module, port, arguments,
                        Map.of("INSTANCE_ID", name, "MALLOC_ARENA_MAX", "2"), log(logs, name));
                instances.add(instance);
            }
        }
        out.println("soak | starting " + instances.size() + " service instances: "
                + instances.stream().map(Instance::name).toList());
        instances.forEach(Instance::start);
    }

    /** Waits until every instance answers UP. */
    void awaitHealthy(Duration patience) {
        try (StackClient client = client()) {
            for (Instance instance : instances) {
                client.awaitHealthy(instance.url(), patience);
            }
        }
    }

    /** A client of the stack: the first balance-service and payment-service instances (each forwards to the owner). */
    StackClient client() {
        return new StackClient(endpoints());
    }

    StackEndpoints endpoints() {
        return new StackEndpoints(brokers.bootstrap(), first("balance-service").url(), first("rule-engine-service").url(),
                first("payment-service").url(), first("notification-service").url(), gateway.baseUrl(), smsc.inboxUrl(),
                issuer.issuer(), null, null);
    }

    Instance first(String module) {
        return instances.stream().filter(instance -> instance.module().equals(module)).findFirst().orElseThrow();
    }

    private static PrintStream log(Path logs, String name) throws IOException {
        return new PrintStream(Files.newOutputStream(logs.resolve(name + ".log")), true, StandardCharsets.UTF_8);
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        // side by side: one at a time, each waiting for its graceful stop, took most of a minute in the suite's soak
        Instance.stopAll(instances);
        long instancesStopped = System.nanoTime();
        issuer.close();
        smsc.close();
        gateway.close();
        brokers.close();
        out.printf("soak | every instance stopped in %.1f s, every node %.1f s later%n", (instancesStopped - started) / 1e9,
                (System.nanoTime() - instancesStopped) / 1e9);
    }
}
