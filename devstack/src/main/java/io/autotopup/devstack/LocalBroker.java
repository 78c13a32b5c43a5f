package io.autotopup.devstack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Kafka's own broker, KRaft combined mode, run from the Maven-resolved jars in a JVM of its own, with its
 * log under a local directory so that a restart keeps every topic (and so every balance).
 */
public final class LocalBroker implements AutoCloseable {

    private final ChildProcess process;
    final String bootstrap;

    private LocalBroker(ChildProcess process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    public static LocalBroker start(Path dataDir, int port, int controllerPort, PrintStream out) throws IOException, InterruptedException {
        Path home = Files.createDirectories(dataDir.resolve("kafka"));
        Path config = home.resolve("server.properties");
        Files.writeString(config, serverProperties(home.resolve("log"), port, controllerPort));
        String classpath = System.getProperty("java.class.path");
        if (!Files.exists(home.resolve("log").resolve("meta.properties"))) {
            int formatted = ChildProcess.runToEnd("kafka-format", List.of("-cp", classpath, "kafka.tools.StorageTool",
                    "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()), out);
            if (formatted != 0) {
                throw new IllegalStateException("Formatting the broker's storage failed (exit " + formatted + ")");
            }
        }
        ChildProcess broker = ChildProcess.java("kafka", List.of("-Xmx512m", "-cp", classpath, "kafka.Kafka",
                config.toString()), Map.of(), out);
        String bootstrap = "127.0.0.1:" + port;
        awaitReady(bootstrap, broker, Duration.ofSeconds(60));
        return new LocalBroker(broker, bootstrap);
    }

    private static String serverProperties(Path logDir, int port, int controllerPort) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logDir,
                "num.partitions=3",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "") ;
    }

    private static void awaitReady(String bootstrap, ChildProcess broker, Duration patience) throws InterruptedException {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        Instant deadline = Instant.now().plus(patience);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!broker.alive()) {
                    throw new IllegalStateException("The Kafka broker stopped while starting; is port " + bootstrap
                            + " already in use? Its output above says why.");
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("The Kafka broker was not ready within " + patience);
                    }
                    Thread.sleep(250);
                }
            }
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** The broker's JVM, e.g. to read its memory. */
    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
