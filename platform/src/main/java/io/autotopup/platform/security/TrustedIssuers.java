package io.autotopup.platform.security;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoders;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerReactiveAuthenticationManagerResolver;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The issuers whose tokens the APIs accept, several at once (the autotopup authorization server, a carrier's own
 * OIDC provider): a token is checked with the keys of the issuer it names, and only if that issuer is trusted.
 * Each token's signature, issuer and time window are checked (one minute of clock skew).
 */
public final class TrustedIssuers {

    private final Map<String, Mono<ReactiveAuthenticationManager>> managers = new LinkedHashMap<>();

    public TrustedIssuers(ApiSecurityProperties properties) {
        for (ApiSecurityProperties.Issuer trusted : properties.issuers()) {
            boolean keysKnown = trusted.jwkSetUri() != null && !trusted.jwkSetUri().isBlank();
            // with its keys' address the manager is made now (the keys are fetched at the first token); without, the
            // issuer's discovery document is read at the first token, and read again if that failed
            Mono<ReactiveAuthenticationManager> manager = keysKnown ? Mono.just(manager(trusted))
                    : Mono.fromCallable(() -> manager(trusted)).subscribeOn(Schedulers.boundedElastic())
                            .cache(ready -> Duration.ofDays(3650), failed -> Duration.ZERO, () -> Duration.ZERO);
            managers.put(trusted.issuer(), manager);
        }
    }

    public JwtIssuerReactiveAuthenticationManagerResolver resolver() {
        return new JwtIssuerReactiveAuthenticationManagerResolver(issuer -> managers.getOrDefault(issuer, Mono.empty()));
    }

    private static ReactiveAuthenticationManager manager(ApiSecurityProperties.Issuer trusted) {
        ReactiveJwtDecoder decoder;
        if (trusted.jwkSetUri() != null && !trusted.jwkSetUri().isBlank()) {
            NimbusReactiveJwtDecoder nimbus = NimbusReactiveJwtDecoder.withJwkSetUri(trusted.jwkSetUri()).build();
            nimbus.setJwtValidator(JwtValidators.createDefaultWithIssuer(trusted.issuer()));
            decoder = nimbus;
        } else {
            // discovery (blocking, once): the issuer's keys and its own checks
            decoder = ReactiveJwtDecoders.fromIssuerLocation(trusted.issuer());
        }
        return new JwtReactiveAuthenticationManager(decoder);
    }
}
