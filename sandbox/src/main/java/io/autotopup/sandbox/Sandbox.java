package io.autotopup.sandbox;

import io.autotopup.sandbox.gateway.SandboxGateway;
import io.autotopup.sandbox.smsc.SmsCentreSimulator;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the sandbox payment gateway and the SMS-centre simulator on their own, as the {@code sandbox} container
 * of {@code docker-compose.yml} and of the Kubernetes dev overlay does. The devstack starts them in its own JVM
 * instead. Settings come from the environment: {@code GATEWAY_PORT} (8090), {@code SMPP_PORT} (2775),
 * {@code SMSC_HTTP_PORT} (8091), {@code SANDBOX_STATE_FILE} (none: nothing kept across restarts) and
 * {@value JsonHttpServer#BIND_VARIABLE} (loopback).
 */
public final class Sandbox {

    private Sandbox() {
    }

    public static void main(String[] args) throws Exception {
        String stateFile = System.getenv("SANDBOX_STATE_FILE");
        SandboxGateway gateway = SandboxGateway.start(port("GATEWAY_PORT", 8090),
                stateFile == null || stateFile.isBlank() ? null : Path.of(stateFile));
        int smppPort = port("SMPP_PORT", 2775);
        SmsCentreSimulator smsc = SmsCentreSimulator.start(smppPort, port("SMSC_HTTP_PORT", 8091));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            smsc.close();
            gateway.close();
            stopped.countDown();
        }, "sandbox-stop"));
        System.out.printf("sandbox | gateway on %s:%d, SMPP on %s:%d, inbox on :%d/v1/inbox%n", JsonHttpServer.bindAddress(),
                gateway.port(), JsonHttpServer.bindAddress(), smppPort, smsc.httpPort());
        stopped.await();
    }

    private static int port(String variable, int fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value);
    }
}
