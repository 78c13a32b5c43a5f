package io.autotopup.sandbox.gateway;

import com.sun.net.httpserver.HttpExchange;
import io.autotopup.sandbox.JsonHttpServer;
import io.autotopup.sandbox.JsonHttpServer.HttpError;
import io.autotopup.sandbox.JsonHttpServer.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pages the gateway serves from its own origin, the way real gateways' hosted components work, so that a
 * merchant's pages never see a card number:
 *
 * <pre>
 * GET  /hosted/card-field?parent=ORIGIN&amp;lang=L     a card form for an iframe: it tokenizes at /v1/tokens and
 *                                                   posts only the token to ORIGIN (window.postMessage)
 * GET  /hosted/wallet-approval?wallet=W&amp;return_url=U&amp;state=S&amp;lang=L
 *                                                   a wallet's agreement page (Alipay, WeChat Pay, BCEL OnePay)
 * POST /hosted/wallet-approval                       approve: back to U?state=S&amp;token=T; cancel: U?state=S&amp;error=cancelled
 * </pre>
 *
 * Pages speak Lao, English, Chinese or Thai and carry a Content-Security-Policy: the card field may be framed only
 * by the origin it answers to.
 */
final class HostedPages {

    static final List<String> WALLETS = List.of("ALIPAY", "WECHAT_PAY", "BCEL_ONEPAY");
    private static final List<String> LANGUAGES = List.of("lo", "en", "zh", "th");
    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\-\\[\\]:]+");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z0-9.]+)}}");

    private final SandboxGateway gateway;

    HostedPages(SandboxGateway gateway) {
        this.gateway = gateway;
    }

    Response handle(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if ("GET".equals(method) && path.equals("/hosted/card-field")) {
            return cardField(JsonHttpServer.parameters(exchange.getRequestURI().getRawQuery()));
        }
        if ("GET".equals(method) && path.equals("/hosted/card-field.js")) {
            return Response.page(200, "text/javascript; charset=utf-8", resource("card-field.js"), Map.of());
        }
        if ("GET".equals(method) && path.equals("/hosted/hosted.css")) {
            return Response.page(200, "text/css; charset=utf-8", resource("hosted.css"), Map.of());
        }
        if ("GET".equals(method) && path.equals("/hosted/wallet-approval")) {
            Map<String, String> query = JsonHttpServer.parameters(exchange.getRequestURI().getRawQuery());
            return walletPage(query, "");
        }
        if ("POST".equals(method) && path.equals("/hosted/wallet-approval")) {
            return walletDecision(JsonHttpServer.readForm(exchange));
        }
        throw new HttpError(404, "No page " + path);
    }

    private Response cardField(Map<String, String> query) {
        String parent = query.getOrDefault("parent", "");
        if (!ORIGIN.matcher(parent).matches()) {
            throw new HttpError(400, "parent must be the origin of the page that frames the card field, e.g. https://portal.example");
        }
        Map<String, String> values = new java.util.HashMap<>(Map.of("parentOrigin", parent));
        return Response.page(200, "text/html; charset=utf-8", render("card-field.html", language(query), values), Map.of(
                "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                        + "form-action 'none'; base-uri 'none'; frame-ancestors " + parent));
    }

    private Response walletPage(Map<String, String> fields, String error) {
        String wallet = fields.getOrDefault("wallet", "");
        if (!WALLETS.contains(wallet)) {
            throw new HttpError(400, "wallet must be one of " + WALLETS);
        }
        URI returnUrl = returnUrl(fields.get("return_url"));
        String language = language(fields);
        ResourceBundle messages = messages(language);
        String walletName = messages.getString("wallet." + wallet);
        Map<String, String> values = new java.util.HashMap<>();
        values.put("wallet", wallet);
        values.put("walletName", walletName);
        values.put("returnUrl", returnUrl.toString());
        values.put("state", fields.getOrDefault("state", ""));
        values.put("account", fields.getOrDefault("account", ""));
        values.put("wallet.ask", MessageFormat.format(messages.getString("wallet.ask"), walletName));
        values.put("wallet.account", MessageFormat.format(messages.getString("wallet.account"), walletName));
        String page = render("wallet-approval.html", language, values).replace("{{error}}",
                error.isEmpty() ? "" : "<p class=\"error\" role=\"alert\">" + escape(messages.getString(error)) + "</p>");
        return Response.page(error.isEmpty() ? 200 : 400, "text/html; charset=utf-8", page, Map.of(
                "Content-Security-Policy", "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'; "
                        + "form-action 'self' " + origin(returnUrl)));
    }

    private Response walletDecision(Map<String, String> form) {
        URI returnUrl = returnUrl(form.get("return_url"));
        String wallet = form.getOrDefault("wallet", "");
        if (!WALLETS.contains(wallet)) {
            throw new HttpError(400, "wallet must be one of " + WALLETS);
        }
        String back = returnUrl + (returnUrl.getRawQuery() == null ? "?" : "&") + "state="
                + URLEncoder.encode(form.getOrDefault("state", ""), StandardCharsets.UTF_8);
        if (!"approve".equals(form.get("decision"))) {
            return Response.seeOther(back + "&error=cancelled");
        }
        String account = form.getOrDefault("account", "").trim();
        if (account.isEmpty()) {
            return walletPage(form, "wallet.error.account");
        }
        SandboxGateway.TokenInfo token = gateway.tokenizeWallet(wallet, account);
        return Response.seeOther(back + "&token=" + URLEncoder.encode(token.token(), StandardCharsets.UTF_8));
    }

    private static URI returnUrl(String value) {
        try {
            URI uri = new URI(value == null ? "" : value);
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null
                    || uri.getRawFragment() != null) {
                throw new HttpError(400, "return_url must be an absolute http(s) address without a fragment");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new HttpError(400, "return_url is not an address: " + e.getMessage());
        }
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String language(Map<String, String> fields) {
        String language = fields.getOrDefault("lang", "en");
        return LANGUAGES.contains(language) ? language : "en";
    }

    private static ResourceBundle messages(String language) {
        return ResourceBundle.getBundle("io.autotopup.sandbox.gateway.hosted.hosted", Locale.forLanguageTag(language),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    /** The page with every {{name}} replaced by its message or value, HTML-escaped; {{error}} is left for the caller. */
    private static String render(String page, String language, Map<String, String> values) {
        ResourceBundle messages = messages(language);
        Matcher matcher = PLACEHOLDER.matcher(resource(page));
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = name.equals("lang") ? language : name.equals("error") ? "{{error}}"
                    : values.containsKey(name) ? values.get(name) : messages.getString(name);
            matcher.appendReplacement(out, Matcher.quoteReplacement(name.equals("error") ? value : escape(value)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static String resource(String name) {
        try (InputStream in = HostedPages.class.getResourceAsStream("hosted/" + name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource hosted/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
