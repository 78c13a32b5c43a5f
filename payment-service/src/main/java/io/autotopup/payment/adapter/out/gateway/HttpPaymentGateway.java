package io.autotopup.payment.adapter.out.gateway;

import io.autotopup.payment.application.PaymentGateway;
import io.autotopup.payment.application.PaymentGateway.GatewayUnavailableException;
import io.autotopup.payment.domain.ChargeResult;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;

/**
 * The payment gateway over HTTP. Each charge attempt is time-limited; when no answer came but the charge
 * may have been made (UNKNOWN: a time-out, a lost connection), the charge is looked up by its idempotency
 * key before anything else; transient failures (timeouts, connection errors, 5xx, 429) are retried with
 * exponential backoff and jitter under the same key; the circuit breaker stops calling a gateway that keeps
 * failing, and the bulkhead bounds the calls in flight. Declines are answers, not failures:
 * they are neither retried nor counted against the breaker. When no answer can be had, the charge is
 * {@link ChargeResult.Unavailable}.
 */
public final class HttpPaymentGateway implements PaymentGateway {

    private static final Logger log = LoggerFactory.getLogger(HttpPaymentGateway.class);

    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);

    private final WebClient client;
    private final CircuitBreaker circuitBreaker;
    private final Retry retry;
    private final TimeLimiter timeLimiter;
    private final Bulkhead bulkhead;

    public HttpPaymentGateway(WebClient client, CircuitBreaker circuitBreaker, Retry retry, TimeLimiter timeLimiter,
            Bulkhead bulkhead) {
        this.client = client;
        this.circuitBreaker = circuitBreaker;
        this.retry = retry;
        this.timeLimiter = timeLimiter;
        this.bulkhead = bulkhead;
    }

    record ChargeBody(String token, long amount, String currency, Map<String, String> metadata) {
    }

    /** A charge as the gateway's list reports it. */
    record ListedCharge(String id, String idempotencyKey, long amount, String currency, String status,
            java.time.Instant createdAt, Map<String, String> metadata) {
    }

    record ChargeAnswer(String id, String status, String declineCode) {
    }

    record TokenAnswer(String token, String type, String brand, String last4, Integer expMonth, Integer expYear,
            String fingerprint) {
    }

    @Override
    public ChargeResult charge(String idempotencyKey, String token, long amount, String currency, ChargeMetadata metadata) {
        return client.post().uri("/v1/charges")
                .header("Idempotency-Key", idempotencyKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(new ChargeBody(token, amount, currency, metadata == null ? null : Map.of(
                        "requestId", metadata.requestId(), "subscriberId", metadata.subscriberId(),
                        "paymentMethodId", metadata.paymentMethodId())))
                .exchangeToMono(HttpPaymentGateway::classify)
                .transformDeferred(TimeLimiterOperator.of(timeLimiter))
                .onErrorResume(HttpPaymentGateway::mayHaveCharged, error -> lookUp(idempotencyKey).switchIfEmpty(Mono.error(error)))
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker))
                .transformDeferred(BulkheadOperator.of(bulkhead))
                .transformDeferred(RetryOperator.of(retry))
                .onErrorResume(error -> {
                    log.warn("Gateway gave no answer for charge {}: {}", idempotencyKey, describe(error));
                    return Mono.just(new ChargeResult.Unavailable(describe(error)));
                })
                .block();
    }

    @Override
    public java.util.List<GatewayCharge> chargesBetween(java.time.Instant from, java.time.Instant to) {
        return client.get().uri(builder -> builder.path("/v1/charges").queryParam("createdFrom", from.toString())
                        .queryParam("createdTo", to.toString()).build())
                .retrieve()
                .bodyToFlux(ListedCharge.class)
                .map(HttpPaymentGateway::listed)
                .collectList()
                .timeout(Duration.ofSeconds(30))
                .onErrorMap(error -> new GatewayUnavailableException("The payment gateway did not list its charges: "
                        + describe(error)))
                .block();
    }

    private static GatewayCharge listed(ListedCharge charge) {
        Map<String, String> metadata = charge.metadata() == null ? Map.of() : charge.metadata();
        return new GatewayCharge(charge.id(), charge.idempotencyKey(), charge.amount(), charge.currency(),
                "succeeded".equals(charge.status()), charge.createdAt(), metadata.containsKey("requestId")
                ? new ChargeMetadata(metadata.get("requestId"), metadata.get("subscriberId"), metadata.get("paymentMethodId"))
                : null);
    }

    @Override
    public Optional<TokenDetails> tokenDetails(String token) {
        return client.get().uri("/v1/tokens/{token}", token)
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(TokenAnswer.class)
                        : response.statusCode().value() == 404 ? Mono.empty()
                        : response.createException().flatMap(Mono::error))
                .timeout(Duration.ofSeconds(5))
                .map(answer -> new TokenDetails(answer.type(), answer.brand(), answer.last4(), answer.expMonth(),
                        answer.expYear(), answer.fingerprint()))
                .onErrorMap(error -> new GatewayUnavailableException("The payment gateway did not answer: " + describe(error)))
                .blockOptional();
    }

    @Override
    public void attach(String token, String customer) {
        Integer status = client.post().uri("/v1/tokens/{token}/attach", token).bodyValue(java.util.Map.of("customer", customer))
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                .timeout(Duration.ofSeconds(5))
                .onErrorMap(error -> new GatewayUnavailableException("The payment gateway did not answer: " + describe(error)))
                .block();
        if (status == null || status >= 500) {
            throw new GatewayUnavailableException("The payment gateway answered " + status + " to attaching a token");
        }
        if (status == 409) {
            throw new TokenOfAnotherCustomerException("The token belongs to another customer");
        }
        if (status >= 400) {
            throw new IllegalStateException("The payment gateway refused to attach the token: " + status);
        }
    }

    /**
     * No answer came, but the request may have reached the gateway (a time-out, a connection lost after
     * sending): before any retry, ask the gateway what it did under the key.
     */
    private static boolean mayHaveCharged(Throwable error) {
        return error instanceof TimeoutException || error instanceof WebClientRequestException;
    }

    private Mono<ChargeResult> lookUp(String idempotencyKey) {
        return client.get().uri(builder -> builder.path("/v1/charges").queryParam("idempotencyKey", idempotencyKey).build())
                .exchangeToMono(response -> response.statusCode().value() == 404 ? response.releaseBody().then(Mono.empty())
                        : classify(response))
                .timeout(LOOKUP_TIMEOUT)
                .onErrorResume(lookupFailed -> Mono.empty());
    }

    private static Mono<ChargeResult> classify(ClientResponse response) {
        HttpStatus status = HttpStatus.resolve(response.statusCode().value());
        if (response.statusCode().is2xxSuccessful()) {
            return response.bodyToMono(ChargeAnswer.class).map(answer -> new ChargeResult.Succeeded(answer.id()));
        }
        if (status == HttpStatus.PAYMENT_REQUIRED) {
            return response.bodyToMono(ChargeAnswer.class).map(answer -> ChargeResult.declined(answer.declineCode()));
        }
        if (response.statusCode().is5xxServerError() || status == HttpStatus.TOO_MANY_REQUESTS) {
            return response.releaseBody().then(Mono.error(new TransientGatewayException("gateway answered " + status)));
        }
        return response.bodyToMono(Map.class).defaultIfEmpty(Map.of())
                .flatMap(body -> Mono.error(new IllegalStateException("gateway refused the charge: " + status + " " + body)));
    }

    private static String describe(Throwable error) {
        if (error instanceof CallNotPermittedException) {
            return "circuit breaker open";
        }
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    /** A failure worth retrying: the gateway may answer next time. */
    public static final class TransientGatewayException extends RuntimeException {
        public TransientGatewayException(String message) {
            super(message);
        }
    }
}
