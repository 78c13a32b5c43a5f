package io.autotopup.portal.config;

import io.autotopup.portal.adapter.out.services.SubscriberServices;
import java.time.Duration;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Which language a page is in: the one chosen with {@code ?lang=} (kept in a cookie), else the one chosen before,
 * else the language the subscriber reads their texts in (from their profile, once per session), else the browser's,
 * else English.
 */
final class LanguageFilter implements WebFilter {

    private final SubscriberServices services;
    private final boolean secureCookies;

    LanguageFilter(SubscriberServices services, boolean secureCookies) {
        this.services = services;
        this.secureCookies = secureCookies;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().value();
        if (path.startsWith("/css/") || path.startsWith("/js/") || path.startsWith("/webjars/") || path.startsWith("/actuator/")) {
            return chain.filter(exchange);
        }
        String chosen = Languages.chosen(exchange);
        if (chosen != null) {
            if (chosen.equals(request.getQueryParams().getFirst("lang"))) {
                exchange.getResponse().addCookie(ResponseCookie.from(Languages.COOKIE, chosen).path("/").maxAge(Duration.ofDays(365))
                        .httpOnly(true).secure(secureCookies).sameSite("Lax").build());
            }
            return serveIn(chosen, exchange, chain);
        }
        return subscriberLanguage(exchange)
                .defaultIfEmpty(Languages.browser(request))
                .flatMap(language -> serveIn(language, exchange, chain));
    }

    private Mono<String> subscriberLanguage(ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .filter(OAuth2AuthenticationToken.class::isInstance)
                .map(principal -> ((OAuth2AuthenticationToken) principal).getPrincipal())
                .filter(OidcUser.class::isInstance)
                .flatMap(user -> exchange.getSession().flatMap(session -> {
                    String known = session.getAttribute(Languages.SESSION_ATTRIBUTE);
                    if (known != null) {
                        return Mono.just(known);
                    }
                    return services.profile(((OidcUser) user).getSubject())
                            .map(profile -> profile.language())
                            .filter(Languages::supported)
                            .doOnNext(language -> session.getAttributes().put(Languages.SESSION_ATTRIBUTE, language));
                }))
                .onErrorResume(e -> Mono.empty());
    }

    private static Mono<Void> serveIn(String language, ServerWebExchange exchange, WebFilterChain chain) {
        exchange.getAttributes().put(Languages.ATTRIBUTE, language);
        return chain.filter(exchange);
    }
}
