package io.autotopup.portal.adapter.in.web;

import io.autotopup.portal.application.ServiceRefusal;
import io.autotopup.portal.config.Languages;
import io.autotopup.portal.config.PortalProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * What every page has (the language, the formats, the CSRF token, whether the sandbox carrier is there) and what a
 * page shows when a service says no: another subscriber's id (or an unknown one) is "not found", a service that
 * cannot be reached is "try again", a sign-in that ended (a revoked or reused refresh token) is a new sign-in.
 */
@ControllerAdvice
class Pages {

    private static final Logger log = LoggerFactory.getLogger(Pages.class);

    private final MessageSource messages;
    private final PortalProperties properties;

    Pages(MessageSource messages, PortalProperties properties) {
        this.messages = messages;
        this.properties = properties;
    }

    @ModelAttribute
    void everyPage(ServerWebExchange exchange, Model model) {
        common(exchange, model);
    }

    private void common(ServerWebExchange exchange, Model model) {
        model.addAttribute("fmt", new Formats(Languages.of(exchange), messages));
        model.addAttribute("language", Languages.of(exchange).getLanguage());
        model.addAttribute("languages", Languages.SUPPORTED);
        model.addAttribute("sandboxCarrier", properties.sandboxCarrier().enabled());
        model.addAttribute("support", properties.support());
        model.addAttribute("path", exchange.getRequest().getPath().value());
        model.addAttribute("signedIn", exchange.getPrincipal().map(principal -> true).defaultIfEmpty(false));
        Mono<CsrfToken> csrf = exchange.getAttribute(CsrfToken.class.getName());
        if (csrf != null) {
            model.addAttribute("_csrf", csrf);
        }
    }

    @ExceptionHandler(ServiceRefusal.class)
    Mono<String> refused(ServiceRefusal refusal, ServerWebExchange exchange, Model model) {
        if (refusal.status() == 401) {
            return Mono.just("redirect:/oauth2/authorization/autotopup");
        }
        HttpStatus status = refusal.notFound() ? HttpStatus.NOT_FOUND
                : refusal.status() == 503 ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY;
        log.info("A service refused: {} {}", refusal.status(), refusal.getMessage());
        common(exchange, model);
        return error(status, exchange, model);
    }

    @ExceptionHandler(WebClientRequestException.class)
    Mono<String> unreachable(WebClientRequestException e, ServerWebExchange exchange, Model model) {
        log.warn("A service could not be reached: {}", e.getMessage());
        common(exchange, model);
        return error(HttpStatus.SERVICE_UNAVAILABLE, exchange, model);
    }

    /** The sign-in is over (signed out elsewhere, or the refresh token revoked): sign in again. */
    @ExceptionHandler(ClientAuthorizationException.class)
    Mono<String> signInAgain(ClientAuthorizationException e, ServerWebExchange exchange) {
        return exchange.getSession().flatMap(session -> session.invalidate()).thenReturn("redirect:/welcome?expired");
    }

    static Mono<String> error(HttpStatus status, ServerWebExchange exchange, Model model) {
        exchange.getResponse().setStatusCode(status);
        model.addAttribute("status", status.value());
        model.addAttribute("problem", switch (status) {
            case NOT_FOUND -> "error.not-found";
            case SERVICE_UNAVAILABLE -> "error.unavailable";
            default -> "error.failed";
        });
        return Mono.just("error");
    }
}
