package io.autotopup.portal.config;

import java.util.List;
import java.util.Locale;
import org.springframework.web.server.ServerWebExchange;

/** The portal's four languages, and the one a request is served in (chosen by {@link LanguageFilter}). */
public final class Languages {

    public static final List<String> SUPPORTED = List.of("lo", "en", "zh", "th");
    static final String ATTRIBUTE = Languages.class.getName() + ".language";
    static final String COOKIE = "autotopup-lang";
    static final String SESSION_ATTRIBUTE = "autotopup.subscriber-language";

    private Languages() {
    }

    /** The language of this request: as {@link LanguageFilter} chose it, else as the person chose it, else their browser's. */
    public static Locale of(ServerWebExchange exchange) {
        String language = exchange.getAttribute(ATTRIBUTE);
        if (language == null) {
            language = chosen(exchange);
        }
        return Locale.forLanguageTag(language == null ? browser(exchange.getRequest()) : language);
    }

    /** The language chosen with {@code ?lang=}, now or before (the cookie), or null. */
    static String chosen(ServerWebExchange exchange) {
        String parameter = exchange.getRequest().getQueryParams().getFirst("lang");
        if (supported(parameter)) {
            return parameter;
        }
        var cookie = exchange.getRequest().getCookies().getFirst(COOKIE);
        return cookie != null && supported(cookie.getValue()) ? cookie.getValue() : null;
    }

    /** The first of the browser's languages that the portal speaks, else English. */
    static String browser(org.springframework.http.server.reactive.ServerHttpRequest request) {
        for (Locale locale : request.getHeaders().getAcceptLanguageAsLocales()) {
            if (supported(locale.getLanguage())) {
                return locale.getLanguage();
            }
        }
        return "en";
    }

    public static boolean supported(String language) {
        return language != null && SUPPORTED.contains(language);
    }
}
