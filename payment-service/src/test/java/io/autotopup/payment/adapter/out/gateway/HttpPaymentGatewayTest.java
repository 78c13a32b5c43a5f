package io.autotopup.payment.adapter.out.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.payment.domain.ChargeResult;
import io.autotopup.sandbox.gateway.SandboxGateway;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

/** The gateway client against the sandbox gateway over real HTTP on loopback. */
class HttpPaymentGatewayTest {

    /** Far above what a loopback call takes on any machine; the slow cases hold their answer far longer still. */
    private static final Duration TIME_LIMIT = Duration.ofSeconds(2);
    private static final long NEVER_IN_TIME_MS = 30_000;

    private SandboxGateway sandbox;
    private CircuitBreaker breaker;
    private Retry retry;
    private HttpPaymentGateway gateway;

    @BeforeEach
    void start() throws Exception {
        sandbox = SandboxGateway.start(0);
        breaker = CircuitBreaker.of("gateway-charge", CircuitBreakerConfig.custom().slidingWindowSize(4)
                .minimumNumberOfCalls(4).failureRateThreshold(50).waitDurationInOpenState(Duration.ofMinutes(1))
                .recordExceptions(HttpPaymentGateway.TransientGatewayException.class, TimeoutException.class).build());
        retry = Retry.of("gateway-charge", RetryConfig.custom().maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(10), 2.0, 0.5))
                .retryExceptions(HttpPaymentGateway.TransientGatewayException.class, TimeoutException.class).build());
        TimeLimiter limiter = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(TIME_LIMIT).build());
        gateway = new HttpPaymentGateway(WebClient.create(sandbox.baseUrl()), breaker, retry, limiter,
                io.github.resilience4j.bulkhead.Bulkhead.ofDefaults("gateway-charge"));
        // the JVM's first HTTP call loads and starts the client (Netty, Reactor): that cost is not the gateway's
        // latency, which is what the time limit is about
        assertThat(gateway.tokenDetails(sandbox.tokenize("4242424242424242", 12, 2035).token())).isPresent();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void a_good_card_is_charged_and_a_repeat_under_the_same_key_charges_nothing_more() {
        String token = sandbox.tokenize("4242424242424242", 12, 2035).token();

        ChargeResult first = gateway.charge("topup-r1-pm1", token, 50_000, "LAK", null);
        ChargeResult again = gateway.charge("topup-r1-pm1", token, 50_000, "LAK", null);

        assertThat(first).isInstanceOf(ChargeResult.Succeeded.class).isEqualTo(again);
        assertThat(sandbox.charges()).hasSize(1);
    }

    @Test
    void declines_are_classified_hard_or_soft_and_not_retried() {
        ChargeResult hard = gateway.charge("k-hard", sandbox.tokenize("4000000000000002", 12, 2035).token(), 500, "USD", null);
        ChargeResult soft = gateway.charge("k-soft", sandbox.tokenize("4000000000009995", 12, 2035).token(), 500, "USD", null);

        assertThat(hard).isEqualTo(new ChargeResult.Declined("do_not_honor", true));
        assertThat(soft).isEqualTo(new ChargeResult.Declined("insufficient_funds", false));
        assertThat(retry.getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isZero();
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void an_unavailable_gateway_is_retried_then_reported_unavailable_and_trips_the_breaker() {
        String token = sandbox.tokenize("4242424242424242", 12, 2035).token();
        sandbox.setFaults(new SandboxGateway.Faults(0, true));

        ChargeResult result = gateway.charge("k-down", token, 500, "USD", null);

        assertThat(result).isInstanceOf(ChargeResult.Unavailable.class);
        assertThat(retry.getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(3);

        gateway.charge("k-down-2", token, 500, "USD", null);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(sandbox.charges()).as("nothing was charged").isEmpty();
    }

    @Test
    void a_charge_made_without_an_answer_in_time_is_found_by_its_key_and_not_made_twice() {
        String token = sandbox.tokenize("4242424242424242", 12, 2035).token();
        sandbox.setFaults(new SandboxGateway.Faults(0, false, 0, NEVER_IN_TIME_MS));

        ChargeResult result = gateway.charge("k-slow", token, 500, "USD", null);

        assertThat(result).as("the first attempt timed out, the look-up found what it did").isInstanceOf(ChargeResult.Succeeded.class);
        assertThat(sandbox.charges()).hasSize(1);
        assertThat(retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()
                + retry.getMetrics().getNumberOfFailedCallsWithRetryAttempt()).as("no second attempt was needed").isZero();
    }

    @Test
    void a_connection_dropped_after_the_charge_is_made_finds_the_charge_by_its_key() {
        String token = sandbox.tokenize("4242424242424242", 12, 2035).token();
        sandbox.setFaults(new SandboxGateway.Faults(0, false, 0, 0, 1));

        ChargeResult result = gateway.charge("k-dropped", token, 500, "USD", null);

        assertThat(result).isInstanceOf(ChargeResult.Succeeded.class);
        assertThat(sandbox.charges()).hasSize(1);
    }

    @Test
    void the_time_out_test_card_is_charged_and_found_by_its_key_before_any_second_charge() {
        String token = sandbox.tokenize("4000000000000119", 12, 2035).token();

        ChargeResult result = gateway.charge("k-timeout-card", token, 500, "USD", null);

        assertThat(result).isInstanceOf(ChargeResult.Succeeded.class);
        assertThat(sandbox.charges()).hasSize(1);
    }

    @Test
    void a_gateway_that_never_answers_in_time_is_unavailable() {
        String token = sandbox.tokenize("4242424242424242", 12, 2035).token();
        sandbox.setFaults(new SandboxGateway.Faults(NEVER_IN_TIME_MS, true));

        ChargeResult result = gateway.charge("k-never", token, 500, "USD", null);

        assertThat(result).isInstanceOf(ChargeResult.Unavailable.class);
        assertThat(((ChargeResult.Unavailable) result).detail()).contains("Timeout");
        assertThat(sandbox.charges()).isEmpty();
    }
}
