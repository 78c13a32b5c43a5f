package io.autotopup.auth.config;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.autotopup.auth.adapter.in.web.PhoneCodeAuthenticationProvider;
import io.autotopup.auth.adapter.out.balance.BalanceServiceClient;
import io.autotopup.auth.adapter.out.kafka.AppliedOffsets;
import io.autotopup.auth.adapter.out.kafka.AuthorizationTopology;
import io.autotopup.auth.adapter.out.kafka.KafkaAuthorizationService;
import io.autotopup.platform.kafka.CatalogueTemplates;
import io.autotopup.platform.security.ApiSecurityProperties;
import io.autotopup.schemas.Topics;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.client.RestClient;

/**
 * The authorization server, read top to bottom: its protocol endpoints (authorize, token, revoke, JWKS, discovery,
 * user info, sign-out); the sign-in pages; who its clients are; how tokens are signed and how long they live; where
 * authorizations are kept.
 */
@Configuration
@EnableConfigurationProperties(AuthProperties.class)
@EnableScheduling
public class AuthServerConfiguration {

    /** The protocol endpoints; a person who is not signed in is sent to the sign-in page. */
    @Bean
    @Order(1)
    SecurityFilterChain protocolEndpoints(HttpSecurity http) {
        http.oauth2AuthorizationServer(authorizationServer -> {
                    http.securityMatcher(authorizationServer.getEndpointsMatcher());
                    authorizationServer.oidc(Customizer.withDefaults());
                })
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/sign-in"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
    }

    /**
     * The pages: signing in with a number and the texted code is open; health and Prometheus are open to the
     * platform; nothing else is. CSRF on every form; a Content-Security-Policy without inline scripts.
     */
    @Bean
    @Order(2)
    SecurityFilterChain pages(HttpSecurity http) {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/sign-in", "/sign-in/**", "/sign-up", "/css/**", "/favicon.ico", "/error").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus").permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/sign-in")))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; script-src 'self'; "
                                + "style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"))
                        .frameOptions(frame -> frame.deny()));
        return http.build();
    }

    @Bean
    AuthenticationManager signInAuthentication(BalanceServiceClient balance) {
        return new ProviderManager(new PhoneCodeAuthenticationProvider(balance));
    }

    @Bean
    RegisteredClientRepository registeredClients(AuthProperties properties) {
        List<RegisteredClient> clients = properties.clients().stream().map(client -> toRegisteredClient(client, properties)).toList();
        if (clients.isEmpty()) {
            throw new IllegalStateException("autotopup.auth.clients is empty: no application could sign anyone in");
        }
        return new InMemoryRegisteredClientRepository(clients);
    }

    private static RegisteredClient toRegisteredClient(AuthProperties.Client client, AuthProperties properties) {
        boolean isPublic = client.secret() == null || client.secret().isBlank();
        RegisteredClient.Builder builder = RegisteredClient.withId(UUID.nameUUIDFromBytes(client.id().getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString())
                .clientId(client.id())
                .clientSettings(ClientSettings.builder().requireProofKey(client.grantTypes().contains("authorization_code"))
                        .requireAuthorizationConsent(false).build())
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(properties.accessTokenTtl())
                        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                        .refreshTokenTimeToLive(properties.refreshTokenTtl()).reuseRefreshTokens(false)
                        .authorizationCodeTimeToLive(java.time.Duration.ofMinutes(5)).build());
        if (isPublic) {
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        } else {
            builder.clientSecret(client.secret()).clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
        }
        client.grantTypes().forEach(grant -> builder.authorizationGrantType(new AuthorizationGrantType(grant)));
        client.redirectUris().forEach(builder::redirectUri);
        client.postLogoutRedirectUris().forEach(builder::postLogoutRedirectUri);
        client.scopes().forEach(builder::scope);
        return builder.build();
    }

    @Bean
    SigningKeys signingKeys(AuthProperties properties) {
        return SigningKeys.load(properties.signingKeys());
    }

    /** Every key, published at the JWKS endpoint (public parts only). */
    @Bean
    JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
        return new ImmutableJWKSet<>(keys.all());
    }

    /** Tokens are signed with the first key only. */
    @Bean
    JwtEncoder jwtEncoder(SigningKeys keys) {
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(keys.active())));
    }

    @Bean
    JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(jwkSource);
    }

    /**
     * Every access token names the APIs it is for, {@value ApiSecurityProperties.Issuer#AUDIENCE}, beside the client it
     * was issued to: the services refuse a token of ours made for anything else (an ID token names only its client).
     */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> accessTokenAudience() {
        return context -> {
            if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                context.getClaims().audience(List.of(context.getRegisteredClient().getClientId(),
                        ApiSecurityProperties.Issuer.AUDIENCE));
            }
        };
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(AuthProperties properties) {
        return AuthorizationServerSettings.builder().issuer(properties.issuer()).build();
    }

    @Bean
    BalanceServiceClient balanceServiceClient(RestClient.Builder rest, AuthProperties properties, JwtEncoder encoder) {
        return new BalanceServiceClient(rest, properties.balanceUrl(), encoder, properties.issuer(), Clock.systemUTC());
    }

    /** Authorizations whose every token has expired, and revoked ones, are removed from the topics, now and then. */
    @Bean
    ExpiredAuthorizations expiredAuthorizations(KafkaAuthorizationService authorizations) {
        return new ExpiredAuthorizations(authorizations);
    }

    static final class ExpiredAuthorizations {
        private final KafkaAuthorizationService authorizations;

        ExpiredAuthorizations(KafkaAuthorizationService authorizations) {
            this.authorizations = authorizations;
        }

        @Scheduled(fixedDelayString = "${autotopup.auth.sweep-interval:10m}", initialDelayString = "${autotopup.auth.sweep-interval:10m}")
        void remove() {
            authorizations.removeExpired();
        }
    }
}
