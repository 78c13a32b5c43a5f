package io.autotopup.portal.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.oidc.web.server.logout.OidcClientInitiatedServerLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.server.WebSessionServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.logout.DelegatingServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.SecurityContextServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.ServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.WebSessionServerLogoutHandler;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Who may see what, read top to bottom: the welcome page, styles, scripts and health are open; every other page
 * needs a subscriber signed in through the authorization server (authorization code with PKCE, the portal a
 * confidential client). CSRF on every form; the session cookie HttpOnly, SameSite=Lax and Secure where served over
 * TLS; a Content-Security-Policy without inline scripts that lets in only the gateway's card field. Signing out
 * revokes the refresh token and ends the session at the authorization server too.
 */
@Configuration
@EnableWebFluxSecurity
class SecurityConfiguration {

    static final String REGISTRATION = "autotopup";

    @Bean
    SecurityWebFilterChain portalSecurity(ServerHttpSecurity http, PortalProperties properties,
            ReactiveClientRegistrationRepository registrations, ServerOAuth2AuthorizedClientRepository authorizedClients,
            WebClient.Builder webClients) {
        OidcClientInitiatedServerLogoutSuccessHandler signedOut = new OidcClientInitiatedServerLogoutSuccessHandler(registrations);
        signedOut.setPostLogoutRedirectUri(properties.publicUrl() + "/");
        return http
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/welcome", "/css/**", "/js/**", "/fonts/**", "/webjars/**", "/favicon.ico", "/error").permitAll()
                        .pathMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus").permitAll()
                        .anyExchange().authenticated())
                .oauth2Login(login -> login.authorizationRequestResolver(new LocalizedAuthorizationRequests(registrations))
                        .authorizedClientRepository(authorizedClients))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(welcome()))
                // the identity document's form is multipart: its CSRF token is read from there too
                .csrf(csrf -> csrf.csrfTokenRequestHandler(multipartAware()))
                .logout(logout -> logout.logoutUrl("/sign-out")
                        .logoutHandler(new DelegatingServerLogoutHandler(
                                revokeRefreshToken(authorizedClients, webClients.build(), properties),
                                new SecurityContextServerLogoutHandler(), new WebSessionServerLogoutHandler()))
                        .logoutSuccessHandler(signedOut))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(contentSecurityPolicy(properties)))
                        .frameOptions(frame -> frame.mode(XFrameOptionsServerHttpHeadersWriter.Mode.DENY)))
                .build();
    }

    /**
     * Scripts and styles only from the portal itself; frames only from the gateway (its card field); forms may end at
     * the authorization server (signing out) or the gateway (a wallet's approval page).
     */
    static String contentSecurityPolicy(PortalProperties properties) {
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                + "connect-src 'self'; frame-src " + properties.gatewayOrigin() + "; form-action 'self' " + properties.authOrigin()
                + " " + properties.gatewayOrigin() + "; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
    }

    private static org.springframework.security.web.server.csrf.XorServerCsrfTokenRequestAttributeHandler multipartAware() {
        var handler = new org.springframework.security.web.server.csrf.XorServerCsrfTokenRequestAttributeHandler();
        handler.setTokenFromMultipartDataEnabled(true);
        return handler;
    }

    /** Not signed in: the welcome page; for htmx's requests, tell htmx to go there instead of swapping it in. */
    private static ServerAuthenticationEntryPoint welcome() {
        return (exchange, denied) -> {
            exchange.getResponse().setStatusCode(HttpStatus.SEE_OTHER);
            if (exchange.getRequest().getHeaders().containsHeader("HX-Request")) {
                exchange.getResponse().setStatusCode(HttpStatus.OK);
                exchange.getResponse().getHeaders().set("HX-Redirect", "/welcome");
            } else {
                exchange.getResponse().getHeaders().setLocation(URI.create("/welcome"));
            }
            return exchange.getResponse().setComplete();
        };
    }

    /** The portal's registration at the authorization server, without discovery at start: the addresses are known. */
    @Bean
    ReactiveClientRegistrationRepository clientRegistrations(PortalProperties properties) {
        String issuer = properties.auth().issuer();
        String backChannel = properties.auth().backChannel();
        ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION)
                .clientId(properties.auth().clientId())
                .clientSecret(properties.auth().clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(properties.publicUrl() + "/login/oauth2/code/{registrationId}")
                .scope("openid", "subscriber")
                .issuerUri(issuer)
                .authorizationUri(issuer + "/oauth2/authorize")
                .tokenUri(backChannel + "/oauth2/token")
                .jwkSetUri(backChannel + "/oauth2/jwks")
                .userNameAttributeName("sub")
                .providerConfigurationMetadata(Map.of("end_session_endpoint", issuer + "/connect/logout",
                        "revocation_endpoint", backChannel + "/oauth2/revoke"))
                .clientName("AutoTopUp")
                .build();
        return new InMemoryReactiveClientRegistrationRepository(registration);
    }

    /** A subscriber's tokens live in their session only, and go with it. */
    @Bean
    ServerOAuth2AuthorizedClientRepository authorizedClientRepository() {
        return new WebSessionServerOAuth2AuthorizedClientRepository();
    }

    /** Gives the services' client the subscriber's access token, refreshed (and the refresh token rotated) when it expires. */
    @Bean
    ReactiveOAuth2AuthorizedClientManager authorizedClientManager(ReactiveClientRegistrationRepository registrations,
            ServerOAuth2AuthorizedClientRepository authorizedClients) {
        DefaultReactiveOAuth2AuthorizedClientManager manager = new DefaultReactiveOAuth2AuthorizedClientManager(registrations,
                authorizedClients);
        manager.setAuthorizedClientProvider(ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
                .authorizationCode().refreshToken().build());
        return manager;
    }

    /** Signing out revokes the refresh token at the authorization server (RFC 7009), so it signs nobody in again. */
    private static ServerLogoutHandler revokeRefreshToken(ServerOAuth2AuthorizedClientRepository authorizedClients, WebClient http,
            PortalProperties properties) {
        return (exchange, authentication) -> authorizedClients
                .loadAuthorizedClient(REGISTRATION, authentication, exchange.getExchange())
                .filter(client -> client.getRefreshToken() != null)
                .flatMap(client -> {
                    LinkedMultiValueMap<String, String> form = new LinkedMultiValueMap<>();
                    form.add("token", client.getRefreshToken().getTokenValue());
                    form.add("token_type_hint", "refresh_token");
                    return http.post().uri(properties.auth().backChannel() + "/oauth2/revoke")
                            .headers(headers -> headers.setBasicAuth(urlEncoded(properties.auth().clientId()),
                                    urlEncoded(properties.auth().clientSecret())))
                            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                            .body(BodyInserters.fromFormData(form))
                            .retrieve().toBodilessEntity()
                            .then(authorizedClients.removeAuthorizedClient(REGISTRATION, authentication, exchange.getExchange()));
                })
                .onErrorResume(e -> Mono.empty());
    }

    private static String urlEncoded(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Authorization requests with PKCE, in the language the person reads the portal in ({@code ui_locales}). */
    static final class LocalizedAuthorizationRequests implements ServerOAuth2AuthorizationRequestResolver {
        private final ReactiveClientRegistrationRepository registrations;

        LocalizedAuthorizationRequests(ReactiveClientRegistrationRepository registrations) {
            this.registrations = registrations;
        }

        @Override
        public Mono<org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest> resolve(
                org.springframework.web.server.ServerWebExchange exchange) {
            return resolver(exchange).resolve(exchange);
        }

        @Override
        public Mono<org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest> resolve(
                org.springframework.web.server.ServerWebExchange exchange, String clientRegistrationId) {
            return resolver(exchange).resolve(exchange, clientRegistrationId);
        }

        private DefaultServerOAuth2AuthorizationRequestResolver resolver(org.springframework.web.server.ServerWebExchange exchange) {
            String language = Languages.of(exchange).toLanguageTag();
            DefaultServerOAuth2AuthorizationRequestResolver resolver = new DefaultServerOAuth2AuthorizationRequestResolver(registrations);
            resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce()
                    .andThen(request -> request.additionalParameters(parameters -> parameters.put("ui_locales", language))));
            return resolver;
        }
    }
}
