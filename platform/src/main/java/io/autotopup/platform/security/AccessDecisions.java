package io.autotopup.platform.security;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Decides every API request by the {@link Access} rule of the endpoint it reaches. A subscriber's token reaches
 * only the paths of its own subscriber id, whether or not another id exists (403 either way, decided before any
 * look-up). A request that reaches no endpoint needs a valid token (so probing tells a stranger nothing), as do
 * the framework's own endpoints; an endpoint of ours without a rule is refused to everyone.
 */
public final class AccessDecisions implements ReactiveAuthorizationManager<AuthorizationContext> {

    private static final Logger log = LoggerFactory.getLogger(AccessDecisions.class);
    private static final String SCOPE = "SCOPE_";
    private static final String OUR_PACKAGES = "io.autotopup.";

    private final RequestMappingHandlerMapping handlers;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    public AccessDecisions(RequestMappingHandlerMapping handlers) {
        this.handlers = handlers;
    }

    @Override
    public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
        ServerWebExchange exchange = context.getExchange();
        return handlers.getHandler(exchange)
                .map(handler -> handler instanceof HandlerMethod method ? method : null)
                .flatMap(method -> {
                    Access access = method.getMethodAnnotation(Access.class);
                    if (access == null && !method.getBeanType().getName().startsWith(OUR_PACKAGES)) {
                        // the framework's own endpoints (the OpenAPI documents): any valid token
                        return authentication.map(Authentication::isAuthenticated).<AuthorizationResult>map(AuthorizationDecision::new)
                                .defaultIfEmpty(new AuthorizationDecision(false));
                    }
                    if (access == null) {
                        if (reported.add(method.toString())) {
                            log.error("No @Access rule on {}: refused to everyone", method);
                        }
                        return Mono.<AuthorizationResult>just(new AuthorizationDecision(false));
                    }
                    if (access.open()) {
                        return Mono.<AuthorizationResult>just(new AuthorizationDecision(true));
                    }
                    return authentication.filter(Authentication::isAuthenticated)
                            .<AuthorizationResult>map(caller -> new AuthorizationDecision(allows(access, caller, exchange)))
                            .defaultIfEmpty(new AuthorizationDecision(false));
                })
                .switchIfEmpty(Mono.defer(() -> authentication.map(Authentication::isAuthenticated)
                        .<AuthorizationResult>map(AuthorizationDecision::new).defaultIfEmpty(new AuthorizationDecision(false))));
    }

    static boolean allows(Access access, Authentication caller, ServerWebExchange exchange) {
        if (access.owner() && isSubscriber(caller)) {
            Map<String, String> variables = exchange.getAttributeOrDefault(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of());
            String subscriberId = variables.get(Access.SUBSCRIBER_ID);
            if (subscriberId != null && subscriberId.equals(subjectOf(caller))) {
                return true;
            }
        }
        return Arrays.stream(access.scopes()).anyMatch(scope -> hasScope(caller, scope));
    }

    /** A subscriber's own token: scope {@value Access#SUBSCRIBER_SCOPE}. */
    public static boolean isSubscriber(Authentication caller) {
        return hasScope(caller, Access.SUBSCRIBER_SCOPE);
    }

    public static boolean hasScope(Authentication caller, String scope) {
        for (GrantedAuthority authority : caller.getAuthorities()) {
            if ((SCOPE + scope).equals(authority.getAuthority())) {
                return true;
            }
        }
        return false;
    }

    /** The token's {@code sub}: a subscriber id for a subscriber, a client id for a machine. */
    public static String subjectOf(Authentication caller) {
        return caller instanceof JwtAuthenticationToken jwt ? jwt.getToken().getSubject() : caller.getName();
    }
}
