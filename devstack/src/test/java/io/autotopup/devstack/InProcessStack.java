package io.autotopup.devstack;

import io.autotopup.topupctl.stack.StackClient;
import io.autotopup.topupctl.stack.StackEndpoints;
import io.autotopup.balance.BalanceServiceApplication;
import io.autotopup.notification.NotificationServiceApplication;
import io.autotopup.payment.PaymentServiceApplication;
import io.autotopup.rules.RuleEngineServiceApplication;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.sandbox.smsc.SmsCentreSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole system in one JVM for end-to-end tests: a real KRaft broker ({@link TestKafka}: the apache/kafka
 * image where Docker runs, else the embedded one), the sandbox gateway and SMS centre on loopback, and the four
 * services as four Spring Boot applications, each with its own configuration file, state directory and port.
 */
final class InProcessStack implements AutoCloseable {

    final TestKafka broker;
    final SandboxGateway gateway;
    final SmsCentreSimulator smsc;
    final StackEndpoints endpoints;
    private final List<ConfigurableApplicationContext> services = new ArrayList<>();
    private final Path stateDir;

    InProcessStack() throws IOException {
        broker = TestKafka.start();
        gateway = SandboxGateway.start(0);
        smsc = SmsCentreSimulator.start(0, 0);
        stateDir = Files.createTempDirectory("autotopup-e2e");
        String bootstrap = broker.bootstrapServers();
        String codeKey = "autotopup.verification.key=" + java.util.Base64.getEncoder().encodeToString(
                "in-process-stack-one-time-codes!".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String balance = start(BalanceServiceApplication.class, BalanceServiceApplication.CONFIG_NAME, bootstrap, codeKey);
        String rules = start(RuleEngineServiceApplication.class, RuleEngineServiceApplication.CONFIG_NAME, bootstrap);
        String payment = start(PaymentServiceApplication.class, PaymentServiceApplication.CONFIG_NAME, bootstrap,
                "autotopup.gateway.base-url=" + gateway.baseUrl(),
                // a gateway outage is waited out in seconds rather than minutes, so its journey fits in a test
                "autotopup.payment.retry.delays=2s,4s,8s", "autotopup.gateway.breaker-open-for=2s");
        String notification = start(NotificationServiceApplication.class, NotificationServiceApplication.CONFIG_NAME,
                bootstrap, "autotopup.smpp.port=" + smsc.smppPort(), codeKey);
        endpoints = new StackEndpoints(bootstrap, balance, rules, payment, notification, gateway.baseUrl(), smsc.inboxUrl());
    }

    /** The four services' base URLs: balance, rule engine, payment, notification. */
    List<String> serviceUrls() {
        return List.of(endpoints.balanceUrl(), endpoints.ruleEngineUrl(), endpoints.paymentUrl(), endpoints.notificationUrl());
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
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.config.name=" + name,
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--spring.kafka.streams.state-dir=" + stateDir.resolve(name)));
        for (String property : extra) {
            arguments.add("--" + property);
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
                .run(arguments.toArray(String[]::new));
        services.add(context);
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        smsc.close();
        gateway.close();
        broker.close();
    }
}
