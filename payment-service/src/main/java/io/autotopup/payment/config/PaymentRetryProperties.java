package io.autotopup.payment.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a request waits, tier by tier, while the gateway gives no answer (circuit breaker open, time-outs,
 * 5xx after the quick retries), before it fails for good with GATEWAY_UNAVAILABLE.
 *
 * @param delays one retry topic per delay: {@code top-up-requests-retry-0}, {@code -1}, …
 */
@ConfigurationProperties("autotopup.payment.retry")
public record PaymentRetryProperties(@DefaultValue({"10s", "1m", "5m"}) List<Duration> delays) {
}
