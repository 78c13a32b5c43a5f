package io.autotopup.auth.config;

import java.util.List;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.AcceptHeaderLocaleResolver;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/** The pages speak Lao, English, Chinese or Thai: the browser's language, or the one chosen with {@code ?lang=}. */
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

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        LocaleChangeInterceptor change = new LocaleChangeInterceptor();
        change.setParamName("lang");
        change.setIgnoreInvalidLocale(true);
        registry.addInterceptor(change);
    }
}
