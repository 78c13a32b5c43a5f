package io.autotopup.topupctl;

import io.autotopup.topupctl.stack.StackEndpoints;
import picocli.CommandLine.Option;

/** Where the running stack answers; the defaults are the devstack's ports on this machine. */
public final class StackOptions {

    @Option(names = "--balance-url", defaultValue = "http://127.0.0.1:8081", description = "balance-service (default ${DEFAULT-VALUE})")
    String balanceUrl;

    @Option(names = "--rule-engine-url", defaultValue = "http://127.0.0.1:8082", description = "rule-engine-service (default ${DEFAULT-VALUE})")
    String ruleEngineUrl;

    @Option(names = "--payment-url", defaultValue = "http://127.0.0.1:8083", description = "payment-service (default ${DEFAULT-VALUE})")
    String paymentUrl;

    @Option(names = "--notification-url", defaultValue = "http://127.0.0.1:8084",
            description = "notification-service (default ${DEFAULT-VALUE})")
    String notificationUrl;

    @Option(names = "--gateway-url", defaultValue = "http://127.0.0.1:8090",
            description = "the sandbox payment gateway (default ${DEFAULT-VALUE})")
    String gatewayUrl;

    @Option(names = "--sms-inbox-url", defaultValue = "http://127.0.0.1:8091/v1/inbox",
            description = "the SMS-centre simulator's inbox (default ${DEFAULT-VALUE})")
    String smsInboxUrl;

    @picocli.CommandLine.Mixin
    AuthOptions auth;

    public StackEndpoints endpoints(KafkaOptions kafka) {
        return new StackEndpoints(kafka.bootstrapServers(), balanceUrl, ruleEngineUrl, paymentUrl, notificationUrl, gatewayUrl,
                smsInboxUrl, auth.authUrl, auth.clientId, auth.clientSecret);
    }
}
