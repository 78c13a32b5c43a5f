package io.autotopup.payment.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the payment gateway is and how patiently to call it.
 *
 * @param baseUrl         the gateway's base URL
 * @param callTimeout     the time limit of one charge attempt
 * @param maxAttempts     attempts per charge for transient failures, the first included
 * @param initialBackoff  the wait before the first retry; it doubles, with jitter
 * @param breakerOpenFor  how long the circuit breaker stays open before it lets a few calls test the gateway
 * @param maxConcurrentCalls the bulkhead: charges in flight at once
 * @param apiKey          the merchant's secret key, sent as a bearer token (none for the sandbox)
 */
@ConfigurationProperties("autotopup.gateway")
public record GatewayProperties(@DefaultValue("http://127.0.0.1:8090") String baseUrl,
        @DefaultValue("3s") Duration callTimeout, @DefaultValue("3") int maxAttempts,
        @DefaultValue("200ms") Duration initialBackoff, @DefaultValue("30s") Duration breakerOpenFor,
        @DefaultValue("10") int maxConcurrentCalls, String apiKey) {
}
