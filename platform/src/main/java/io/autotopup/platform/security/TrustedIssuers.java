package io.autotopup.platform.security;

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
            Mono<ReactiveAuthenticationManager> manager = Mono.fromCallable(() -> manager(trusted))
                    .subscribeOn(Schedulers.boundedElastic())
                    .cache(ready -> java.time.Duration.ofDays(365_000), failed -> java.time.Duration.ZERO, () -> java.time.Duration.ZERO);
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
