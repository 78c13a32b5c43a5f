package io.autotopup.soak;

import io.autotopup.devstack.ChildProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * Three (or more) Kafka nodes from Kafka's own jars, each broker and controller (KRaft, a quorum of all of them),
 * with the production overlay's durability: every topic replicated three times, {@code min.insync.replicas} 2, the
 * offsets and transaction logs alike. Any one node can be killed and restarted on its data.
 */
final class Brokers implements AutoCloseable {

    private final Path home;
    private final List<Integer> ports;
    private final List<Integer> controllerPorts;
    private final List<String> jvmOptions;
    private final PrintStream log;
    private final ChildProcess[] nodes;

    private Brokers(Path home, List<Integer> ports, List<Integer> controllerPorts, List<String> jvmOptions, PrintStream log) {
        this.home = home;
        this.ports = ports;
        this.controllerPorts = controllerPorts;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.log = log;
        this.nodes = new ChildProcess[ports.size()];
    }

    /**
     * Formats and starts {@code count} nodes and returns once the cluster counts them all among its brokers.
     *
     * @param jvmOptions what each node's JVM is given beyond its heap and collector
     */
    static Brokers start(Path home, int count, List<String> jvmOptions, PrintStream log) throws IOException, InterruptedException {
        List<Integer> ports = new ArrayList<>();
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(Ports.free());
            controllerPorts.add(Ports.free());
        }
        Brokers brokers = new Brokers(Files.createDirectories(home), ports, controllerPorts, jvmOptions, log);
        String clusterId = Uuid.randomUuid().toString();
        // the nodes' storage formatted side by side: each is a JVM of its own
        List<ChildProcess> formats = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path config = brokers.writeConfig(i);
            formats.add(ChildProcess.java("kafka-format-" + (i + 1), brokers.jvm("kafka.tools.StorageTool", "format", "-t", clusterId,
                    "-c", config.toString()), Map.of(), log));
        }
        for (int i = 0; i < count; i++) {
            int formatted = formats.get(i).waitFor();
            if (formatted != 0) {
                throw new IllegalStateException("Formatting node " + (i + 1) + "'s storage failed (exit " + formatted + ")");
            }
        }
        for (int i = 0; i < count; i++) {
            brokers.startNode(i);
        }
        brokers.awaitNodes(count, Duration.ofSeconds(120));
        return brokers;
    }

    String bootstrap() {
        return ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    int size() {
        return nodes.length;
    }

    boolean alive(int node) {
        return nodes[node] != null && nodes[node].alive();
    }

    long pid(int node) {
        return nodes[node].pid();
    }

    /** {@code kill -9} of one node: no clean shutdown, its log as the kill left it. */
    void kill(int node) throws InterruptedException {
        nodes[node].kill();
    }

    /** Starts a killed node again on its data; returns once the cluster counts it among its brokers. */
    void restart(int node, Duration patience) throws IOException, InterruptedException {
        startNode(node);
        awaitNodes(nodes.length, patience);
    }

    /** The node that leads the KRaft quorum now (0-based), or -1 if none is known. */
    int controller() {
        try (Admin admin = admin()) {
            Node controller = admin.describeCluster().controller().get(5, TimeUnit.SECONDS);
            return controller == null ? -1 : controller.id() - 1;
        } catch (Exception unknown) {
            return -1;
        }
    }

    Admin admin() {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        return Admin.create(config);
    }

    private void startNode(int i) throws IOException {
        Path config = writeConfig(i);
        nodes[i] = ChildProcess.java("kafka-" + (i + 1), jvm("kafka.Kafka", config.toString()), Map.of(), log);
    }

    /** {@code java <options> <main> <arguments>} on this JVM's class path, which holds Kafka's broker. */
    private List<String> jvm(String main, String... arguments) {
        List<String> command = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(arguments));
        return command;
    }

    private void awaitNodes(int count, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                } catch (Exception notYet) {
                    // not answering yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The Kafka cluster did not have " + count + " brokers within " + patience);
                }
                Thread.sleep(250);
            }
        }
    }

    private Path writeConfig(int i) throws IOException {
        Path dir = Files.createDirectories(home.resolve("node-" + (i + 1)));
        String voters = IntStream.range(0, nodes.length)
                .mapToObj(n -> (n + 1) + "@127.0.0.1:" + controllerPorts.get(n)).collect(Collectors.joining(","));
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=" + (i + 1),
                "controller.quorum.voters=" + voters,
                "listeners=PLAINTEXT://127.0.0.1:" + ports.get(i) + ",CONTROLLER://127.0.0.1:" + controllerPorts.get(i),
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + ports.get(i),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("log"),
                "num.partitions=3",
                "default.replication.factor=3",
                "min.insync.replicas=2",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=3",
                "transaction.state.log.replication.factor=3",
                "transaction.state.log.min.isr=2",
                "share.coordinator.state.topic.replication.factor=3",
                "share.coordinator.state.topic.min.isr=2",
                "group.initial.rebalance.delay.ms=0",
                // a killed node is noticed within seconds, not the default 9 s of missed heartbeats
                "broker.session.timeout.ms=6000",
                "broker.heartbeat.interval.ms=1000",
                ""));
        return config;
    }

    @Override
    /**
     * Kills every node: what they wrote stays on disk, as a {@code kill -9} leaves it, for reading afterwards. (Stopped
     * gracefully all at once, each node waits for a quorum that is leaving too.)
     */
    public void close() {
        for (ChildProcess node : nodes) {
            if (node != null) {
                try {
                    node.kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
