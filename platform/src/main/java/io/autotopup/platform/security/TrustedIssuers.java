package io.autotopup.platform.security;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoders;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerReactiveAuthenticationManagerResolver;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The issuers whose tokens the APIs accept, several at once (the autotopup authorization server, a carrier's own
 * OIDC provider): a token is checked with the keys of the issuer it names, and only if that issuer is trusted.
 * Each token's signature, issuer, time window (one minute of clock skew) and audience are checked; only an issuer
 * configured for it may sign tokens that act as a subscriber.
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
        NimbusReactiveJwtDecoder decoder = trusted.jwkSetUri() != null && !trusted.jwkSetUri().isBlank()
                ? NimbusReactiveJwtDecoder.withJwkSetUri(trusted.jwkSetUri()).build()
                // discovery (blocking, once): the issuer's keys
                : (NimbusReactiveJwtDecoder) ReactiveJwtDecoders.fromIssuerLocation(trusted.issuer());
        decoder.setJwtValidator(validator(trusted));
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
        manager.setJwtAuthenticationConverter(authorities(trusted));
        return manager;
    }

    /** Signature aside: the issuer, the time window and the audience. */
    static OAuth2TokenValidator<Jwt> validator(ApiSecurityProperties.Issuer trusted) {
        List<String> audiences = trusted.audiences();
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                aud -> aud != null && aud.stream().anyMatch(audiences::contains));
        return new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(trusted.issuer()), audience);
    }

    /** The token's scopes as authorities; {@code subscriber} only from an issuer whose tokens may name subscribers. */
    static Converter<Jwt, Mono<AbstractAuthenticationToken>> authorities(ApiSecurityProperties.Issuer trusted) {
        JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> scopes.convert(jwt).stream()
                .filter(authority -> trusted.subscribers() || !SUBSCRIBER_AUTHORITY.equals(authority.getAuthority()))
                .collect(Collectors.toList()));
        return new ReactiveJwtAuthenticationConverterAdapter(converter);
    }

    private static final String SUBSCRIBER_AUTHORITY = "SCOPE_" + Access.SUBSCRIBER_SCOPE;
}
