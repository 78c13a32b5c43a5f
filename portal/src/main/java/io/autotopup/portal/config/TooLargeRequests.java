package io.autotopup.portal.config;

import java.net.URI;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A form too large to read (an identity document's photo beyond what a part may hold, read first by the CSRF check,
 * before any page's own handling): the identity page is shown again with its "larger than 5 MB" message, in the page's
 * language; anything else is a 413 on the portal's error page. Never Spring's English error page.
 */
final class TooLargeRequests implements WebFilter {

    static final String IDENTITY_PAGE = "/identity";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return chain.filter(exchange).onErrorResume(TooLargeRequests::tooLarge, e -> {
            ServerHttpResponse response = exchange.getResponse();
            if (response.isCommitted()) {
                return Mono.error(e);
            }
            if (exchange.getRequest().getMethod() == HttpMethod.POST && IDENTITY_PAGE.equals(exchange.getRequest().getPath().value())) {
                response.setStatusCode(HttpStatus.SEE_OTHER);
                response.getHeaders().setLocation(URI.create(IDENTITY_PAGE + "?error=too-large"));
                return response.setComplete();
            }
            return Mono.error(new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE, "The request is too large", e));
        });
    }

    static boolean tooLarge(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataBufferLimitException) {
                return true;
            }
        }
        return false;
    }
}
