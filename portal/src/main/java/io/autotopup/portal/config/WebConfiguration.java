package io.autotopup.portal.config;

import io.autotopup.portal.adapter.out.carrier.SandboxCarrier;
import io.autotopup.portal.adapter.out.services.ServicesClient;
import io.autotopup.portal.application.Carrier;
import io.autotopup.portal.adapter.out.services.SubscriberServices;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.i18n.LocaleContextResolver;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.WebSessionIdResolver;
import reactor.netty.http.client.HttpClient;

/** The services' client with the subscriber's token, the language of each page, the session cookie, the sandbox carrier. */
@Configuration
class WebConfiguration {

    @Bean
    SubscriberServices subscriberServices(WebClient.Builder webClients, ReactiveOAuth2AuthorizedClientManager authorizedClients,
            PortalProperties properties) {
        ServerOAuth2AuthorizedClientExchangeFilterFunction subscriberToken =
                new ServerOAuth2AuthorizedClientExchangeFilterFunction(authorizedClients);
        subscriberToken.setDefaultOAuth2AuthorizedClient(true);
        WebClient http = webClients.clone()
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create().responseTimeout(Duration.ofSeconds(10))))
                .filter(subscriberToken).build();
        return new ServicesClient(http, properties.balanceUrl(), properties.ruleEngineUrl(), properties.paymentUrl(),
                properties.notificationUrl(), properties.kycUrl());
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    LanguageFilter languageFilter(SubscriberServices services, PortalProperties properties) {
        return new LanguageFilter(services, properties.secureCookies());
    }

    /** Ahead of every other filter, the security chain's CSRF check (which reads multipart forms) among them. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    TooLargeRequests tooLargeRequests() {
        return new TooLargeRequests();
    }

    @Bean(name = WebHttpHandlerBuilder.LOCALE_CONTEXT_RESOLVER_BEAN_NAME)
    LocaleContextResolver localeContextResolver() {
        return new LocaleContextResolver() {
            @Override
            public org.springframework.context.i18n.LocaleContext resolveLocaleContext(org.springframework.web.server.ServerWebExchange exchange) {
                return () -> Languages.of(exchange);
            }

            @Override
            public void setLocaleContext(org.springframework.web.server.ServerWebExchange exchange,
                    org.springframework.context.i18n.LocaleContext localeContext) {
                throw new UnsupportedOperationException("The language is chosen with ?lang=");
            }
        };
    }

    /** The session cookie: HttpOnly, SameSite=Lax, Secure behind TLS, named apart from the authorization server's. */
    @Bean
    WebSessionIdResolver webSessionIdResolver(PortalProperties properties) {
        CookieWebSessionIdResolver resolver = new CookieWebSessionIdResolver();
        resolver.setCookieName("AUTOTOPUP_PORTAL");
        resolver.addCookieInitializer(cookie -> cookie.httpOnly(true).sameSite("Lax").secure(properties.secureCookies()).path("/"));
        return resolver;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty("autotopup.portal.sandbox-carrier.enabled")
    SandboxCarrier sandboxCarrier(PortalProperties properties) {
        return new SandboxCarrier(properties.sandboxCarrier().bootstrapServers());
    }

    /** Without the sandbox carrier, nobody but the carrier itself uses credit. */
    @Bean
    @ConditionalOnProperty(name = "autotopup.portal.sandbox-carrier.enabled", havingValue = "false", matchIfMissing = true)
    Carrier noCarrier() {
        return (msisdn, amount) -> {
            throw new IllegalStateException("Only the devstack's sandbox carrier uses credit from the portal");
        };
    }
}
