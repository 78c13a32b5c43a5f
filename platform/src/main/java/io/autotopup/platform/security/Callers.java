package io.autotopup.platform.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import reactor.core.publisher.Mono;

/** Who is calling, for the few answers that depend on it beyond {@link Access} (an open endpoint with a privileged field). */
public final class Callers {

    private Callers() {
    }

    /** The authenticated caller of this request, if it sent a valid token. */
    public static Mono<Optional<Authentication>> current() {
        return ReactiveSecurityContextHolder.getContext().map(SecurityContext::getAuthentication)
                .filter(Authentication::isAuthenticated).map(Optional::of).defaultIfEmpty(Optional.empty());
    }
}
