package io.autotopup.platform.security;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * Every service's API is an OAuth2 resource server. Read top to bottom: health, readiness and Prometheus are
 * open to the platform; every other management endpoint (metrics, info) asks for an operator's
 * {@link Scopes#OPERATIONS_READ}; the OpenAPI documents only where configured (the devstack); every other request is
 * decided by the {@link Access} rule of its endpoint, with a JWT from a trusted issuer. Stateless: no session,
 * no CSRF (no cookies), no login page; 401 and 403 are problem details.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableWebFluxSecurity
@EnableConfigurationProperties(ApiSecurityProperties.class)
public class ApiSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public TrustedIssuers trustedIssuers(ApiSecurityProperties properties) {
        return new TrustedIssuers(properties);
    }

    @Bean
    @ConditionalOnMissingBean(SecurityWebFilterChain.class)
    public SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ApiSecurityProperties properties, TrustedIssuers issuers,
            @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping handlers) {
        ProblemResponses problems = new ProblemResponses();
        return http
                .authorizeExchange(exchanges -> {
                    exchanges.pathMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus").permitAll();
                    exchanges.pathMatchers("/actuator", "/actuator/**").hasAuthority("SCOPE_" + Scopes.OPERATIONS_READ);
                    if (properties.openApiDocs()) {
                        exchanges.pathMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**",
                                "/webjars/**").permitAll();
                    }
                    exchanges.anyExchange().access(new AccessDecisions(handlers));
                })
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .authenticationManagerResolver(issuers.resolver())
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .build();
    }

    @Bean
    @ConditionalOnMissingBean
    public AccessDocumentation accessDocumentation(ApiSecurityProperties properties) {
        return new AccessDocumentation(properties.authorizationServer());
    }
}
