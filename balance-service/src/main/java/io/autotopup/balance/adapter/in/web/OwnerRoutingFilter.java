package io.autotopup.balance.adapter.in.web;

import io.autotopup.balance.adapter.in.kafka.BalanceTopology;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * With several instances, each holds the state of the partitions it owns. A request about one subscriber
 * that another instance owns is forwarded to it (once: a forwarded request is always answered where it
 * lands), found with the Kafka Streams metadata; while the owner is not known (a rebalance) the answer is
 * 503 with Retry-After. Without {@code application.server} (one instance) everything is answered here. It runs
 * after the security filters: what is forwarded was allowed here, and goes with the caller's token, which the
 * owner checks again.
 */
public final class OwnerRoutingFilter implements WebFilter {

    static final String FORWARDED_HEADER = "X-Autotopup-Forwarded";
    static final String SERVED_BY_HEADER = "X-Autotopup-Served-By";
    private static final Pattern SUBSCRIBER_PATH =
            Pattern.compile("^/v1/subscribers/([^/]+)(/balance|/ledger|/sign-in|/sign-in-code)?$");
    private static final Map<String, String> STORE_BY_SUFFIX = Map.of("", BalanceTopology.ACCOUNTS_STORE,
            "/balance", BalanceTopology.BALANCES_STORE, "/ledger", BalanceTopology.ENTRIES_STORE,
            "/sign-in", BalanceTopology.VERIFICATIONS_STORE, "/sign-in-code", BalanceTopology.VERIFICATIONS_STORE);

    private final KafkaStreamsInteractiveQueryService queries;
    private final WebClient client = WebClient.create();

    public OwnerRoutingFilter(KafkaStreamsInteractiveQueryService queries) {
        this.queries = queries;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        Matcher path = SUBSCRIBER_PATH.matcher(request.getPath().value());
        if (!path.matches() || request.getHeaders().containsHeader(FORWARDED_HEADER)) {
            return chain.filter(exchange);
        }
        HostInfo self = queries.getCurrentKafkaStreamsApplicationHostInfo();
        if (self == null || self.port() <= 0) {
            return chain.filter(exchange);
        }
        String store = STORE_BY_SUFFIX.get(path.group(2) == null ? "" : path.group(2));
        HostInfo owner;
        try {
            owner = queries.getKafkaStreamsApplicationHostInfo(store, path.group(1), new StringSerializer());
        } catch (RuntimeException notReady) {
            owner = null;
        }
        if (owner == null || owner.port() <= 0) {
            return unavailable(exchange.getResponse());
        }
        if (owner.equals(self)) {
            return chain.filter(exchange);
        }
        return forward(exchange, "http://" + owner.host() + ":" + owner.port());
    }

    /** 503 with an RFC 9457 body and Retry-After: the owner of the partition is being decided. */
    private static Mono<Void> unavailable(ServerHttpResponse response) {
        response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
        response.getHeaders().set(HttpHeaders.CONTENT_TYPE, "application/problem+json");
        response.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        byte[] body = ("{\"type\":\"about:blank\",\"title\":\"Rebalancing\",\"status\":503,\"detail\":"
                + "\"The instance that holds this subscriber is not known yet; retry in a moment\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private Mono<Void> forward(ServerWebExchange exchange, String owner) {
        ServerHttpRequest request = exchange.getRequest();
        ServerHttpResponse response = exchange.getResponse();
        WebClient.RequestBodySpec forwarded = client.method(request.getMethod())
                .uri(owner + request.getURI().getRawPath() + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery()))
                .headers(headers -> {
                    headers.addAll(request.getHeaders());
                    headers.remove(HttpHeaders.HOST);
                    headers.set(FORWARDED_HEADER, "1");
                });
        WebClient.RequestHeadersSpec<?> withBody = request.getMethod() == HttpMethod.GET ? forwarded
                : forwarded.body(DataBufferUtils.join(request.getBody()).map(DataBuffer::asByteBuffer)
                        .map(buffer -> { byte[] bytes = new byte[buffer.remaining()]; buffer.get(bytes); return bytes; }), byte[].class);
        return withBody.exchangeToMono(answer -> {
            response.setStatusCode(answer.statusCode());
            response.getHeaders().addAll(answer.headers().asHttpHeaders());
            for (String hopByHop : new String[] {HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CONNECTION, HttpHeaders.CONTENT_LENGTH}) {
                response.getHeaders().remove(hopByHop);
            }
            response.getHeaders().set(SERVED_BY_HEADER, owner);
            return response.writeWith(answer.bodyToFlux(DataBuffer.class));
        });
    }
}
