package io.autotopup.platform.security;

import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.server.BearerTokenServerAuthenticationEntryPoint;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** 401 and 403 as RFC 9457 problem details, with the {@code WWW-Authenticate} header of RFC 6750. */
final class ProblemResponses implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

    private final BearerTokenServerAuthenticationEntryPoint bearer = new BearerTokenServerAuthenticationEntryPoint();

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        String detail = failure instanceof org.springframework.security.oauth2.server.resource.InvalidBearerTokenException
                || failure instanceof org.springframework.security.oauth2.core.OAuth2AuthenticationException
                ? "The bearer token is not valid: it is expired, not signed by a trusted issuer's key, or from an issuer this service does not trust"
                : "A bearer token is required (RFC 6750): sign in through the authorization server, or use client credentials";
        // the bearer entry point sets the status and WWW-Authenticate; the body is ours
        return bearer.commence(new HeadersOnly(exchange), failure)
                .then(write(exchange.getResponse(), HttpStatus.UNAUTHORIZED, "Unauthorized", detail));
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        return exchange.getPrincipal()
                .map(caller -> caller instanceof org.springframework.security.core.Authentication authentication
                        && AccessDecisions.isSubscriber(authentication)
                        ? "A subscriber's token reaches only that subscriber's own data"
                        : "This token does not carry a scope that allows this")
                .defaultIfEmpty("This token does not allow this")
                .flatMap(detail -> {
                    exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
                            "Bearer error=\"insufficient_scope\", error_description=\"" + detail + "\"");
                    return write(exchange.getResponse(), HttpStatus.FORBIDDEN, "Forbidden", detail);
                });
    }

    private static Mono<Void> write(ServerHttpResponse response, HttpStatus status, String title, String detail) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = ("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status.value()
                + ",\"detail\":\"" + detail.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /** The exchange as the bearer entry point sees it: it may set the status and headers, and its body is not written. */
    private static final class HeadersOnly extends org.springframework.web.server.ServerWebExchangeDecorator {
        private final ServerHttpResponse response;

        HeadersOnly(ServerWebExchange exchange) {
            super(exchange);
            this.response = new org.springframework.http.server.reactive.ServerHttpResponseDecorator(exchange.getResponse()) {
                @Override
                public Mono<Void> setComplete() {
                    return Mono.empty();
                }

                @Override
                public Mono<Void> writeWith(org.reactivestreams.Publisher<? extends org.springframework.core.io.buffer.DataBuffer> body) {
                    return Mono.empty();
                }
            };
        }

        @Override
        public ServerHttpResponse getResponse() {
            return response;
        }
    }
}
