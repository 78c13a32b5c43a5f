package io.autotopup.auth.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.AcceptHeaderLocaleResolver;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/**
 * The pages speak Lao, English, Chinese or Thai: the one chosen with {@code ?lang=}, else the one the application asked
 * for in the authorization request ({@code ui_locales}, OpenID Connect), else the browser's.
 */
@Configuration
class WebConfiguration implements WebMvcConfigurer {

    static final List<Locale> LANGUAGES = List.of(Locale.forLanguageTag("lo"), Locale.ENGLISH, Locale.forLanguageTag("zh"),
            Locale.forLanguageTag("th"));

    @Bean
    LocaleResolver localeResolver() {
        AcceptHeaderLocaleResolver browser = new AcceptHeaderLocaleResolver();
        browser.setSupportedLocales(LANGUAGES);
        browser.setDefaultLocale(Locale.ENGLISH);
        CookieLocaleResolver chosen = new CookieLocaleResolver("autotopup-lang");
        chosen.setDefaultLocaleFunction(browser::resolveLocale);
        return chosen;
    }

    /**
     * An application's {@code ui_locales} on the authorization request chooses the language of the sign-in pages that
     * follow (before Spring Security sends the person to them).
     */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> uiLocales(LocaleResolver localeResolver) {
        OncePerRequestFilter filter = new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String requested = request.getParameter("ui_locales");
                if (requested != null && "/oauth2/authorize".equals(request.getServletPath())) {
                    for (String tag : requested.trim().split("\\s+")) {
                        Locale locale = Locale.forLanguageTag(tag);
                        if (LANGUAGES.stream().anyMatch(l -> l.getLanguage().equals(locale.getLanguage()))) {
                            localeResolver.setLocale(request, response, Locale.forLanguageTag(locale.getLanguage()));
                            break;
                        }
                    }
                }
                chain.doFilter(request, response);
            }
        };
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
        return registration;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        LocaleChangeInterceptor change = new LocaleChangeInterceptor();
        change.setParamName("lang");
        change.setIgnoreInvalidLocale(true);
        registry.addInterceptor(change);
    }
}
