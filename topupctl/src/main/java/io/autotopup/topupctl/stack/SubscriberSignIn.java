package io.autotopup.topupctl.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A subscriber signing in as a phone app does: the authorization code flow with PKCE (RFC 7636) against the
 * authorization server, through its own pages (number, then the texted code), as a browser would go through
 * them: cookies, CSRF fields, redirects. Then tokens, refreshed and revoked at its token endpoints.
 */
public final class SubscriberSignIn {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"");
    private static final Pattern ERROR = Pattern.compile("class=\"error\"[^>]*>([^<]+)<");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String authUrl;
    private final String clientId;
    private final String clientSecret;
    private final String redirectUri;

    /**
     * A public client (the carrier's app, {@code autotopup-app}): PKCE, and no refresh token (Spring Authorization
     * Server gives public clients refresh tokens only when they are sender-constrained with DPoP).
     *
     * @param authUrl     the authorization server
     * @param redirectUri one of the client's redirect URIs; nothing needs to listen there, the code is read off the redirect
     */
    public SubscriberSignIn(String authUrl, String clientId, String redirectUri) {
        this(authUrl, clientId, null, redirectUri);
    }

    /** A confidential client (the portal's back end): PKCE and its secret, and refresh tokens that rotate. */
    public SubscriberSignIn(String authUrl, String clientId, String clientSecret, String redirectUri) {
        this.authUrl = authUrl.replaceAll("/+$", "");
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUri = redirectUri;
    }

    /** A subscriber's tokens; {@code subscriberId} is the access token's {@code sub}. */
    public record Tokens(String accessToken, String refreshToken, String idToken, String subscriberId, Instant expiresAt) {
    }

    /** The authorization server said no; {@code error} is its OAuth error code or the page's message. */
    public static final class Refused extends RuntimeException {
        private final int status;
        private final String error;

        Refused(int status, String error) {
            super("The authorization server refused (" + status + "): " + error);
            this.status = status;
            this.error = error;
        }

        public int status() {
            return status;
        }

        public String error() {
            return error;
        }
    }

    /**
     * Signs in with the number; {@code textedCode} is asked for the code once the server has texted it (reading the
     * phone, or the SMS centre's inbox).
     */
    public Tokens signIn(String msisdn, Supplier<String> textedCode) {
        return signIn(msisdn, null, null, textedCode);
    }

    /**
     * Signs in, or up for a number the system does not know yet (choosing the language of its texts and the currency
     * of its balance on the way), as a new subscriber does in the carrier's app.
     */
    public Tokens signUp(String msisdn, String language, String currency, Supplier<String> textedCode) {
        return signIn(msisdn, language, currency, textedCode);
    }

    private Tokens signIn(String msisdn, String language, String currency, Supplier<String> textedCode) {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String verifier = random(48);
        String state = random(16);
        String authorize = authUrl + "/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id", clientId,
                "redirect_uri", redirectUri, "scope", "openid subscriber", "state", state,
                "code_challenge", challenge(verifier), "code_challenge_method", "S256"));
        HttpResponse<String> page = follow(browser, get(authorize));
        page = follow(browser, post(page.uri().toString(), Map.of("msisdn", msisdn, "_csrf", csrf(page))));
        if (page.uri().getPath().endsWith("/sign-up")) {
            if (language == null) {
                throw new Refused(404, "the number is not known: it would sign up");
            }
            page = follow(browser, post(page.uri().toString(), Map.of("language", language, "currency", currency, "_csrf", csrf(page))));
        }
        if (!page.uri().getPath().endsWith("/sign-in/code")) {
            throw new Refused(page.statusCode(), errorOn(page));
        }
        String code = textedCode.get();
        HttpResponse<String> last = send(browser, post(page.uri().toString(), Map.of("code", code, "_csrf", csrf(page))));
        while (last.statusCode() / 100 == 3) {
            String location = location(last);
            if (location.startsWith(redirectUri)) {
                Map<String, String> answer = query(URI.create(location));
                if (!state.equals(answer.get("state")) || answer.get("code") == null) {
                    throw new Refused(last.statusCode(), answer.getOrDefault("error", "no code in the redirect"));
                }
                return tokens(Map.of("grant_type", "authorization_code", "code", answer.get("code"), "redirect_uri", redirectUri,
                        "code_verifier", verifier));
            }
            last = send(browser, get(location));
        }
        throw new Refused(last.statusCode(), errorOn(last));
    }

    /** A new access token and a new refresh token for a refresh token (which works once). */
    public Tokens refresh(String refreshToken) {
        return tokens(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    /** Signs out: revokes the refresh token, and with it the sign-in. */
    public void revoke(String refreshToken) {
        HttpResponse<String> answer = send(HttpClient.newHttpClient(), authenticated(authUrl + "/oauth2/revoke",
                Map.of("token", refreshToken, "token_type_hint", "refresh_token")));
        if (answer.statusCode() != 200) {
            throw new Refused(answer.statusCode(), answer.body());
        }
    }

    private Tokens tokens(Map<String, String> request) {
        HttpResponse<String> answer = send(HttpClient.newHttpClient(), authenticated(authUrl + "/oauth2/token", request));
        try {
            JsonNode body = JSON.readTree(answer.body());
            if (answer.statusCode() != 200) {
                throw new Refused(answer.statusCode(), body.path("error").asText(answer.body()));
            }
            String access = body.path("access_token").asText();
            return new Tokens(access, body.path("refresh_token").asText(null), body.path("id_token").asText(null),
                    subjectOf(access), Instant.now().plusSeconds(body.path("expires_in").asLong(600)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code sub} claim of a JWT (read, not checked: the services check it). */
    public static String subjectOf(String jwt) {
        try {
            byte[] payload = Base64.getUrlDecoder().decode(jwt.split("\\.")[1]);
            return JSON.readTree(payload).path("sub").asText();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Not a JWT", e);
        }
    }

    private HttpResponse<String> follow(HttpClient browser, HttpRequest request) {
        HttpResponse<String> response = send(browser, request);
        while (response.statusCode() / 100 == 3) {
            response = send(browser, get(location(response)));
        }
        return response;
    }

    private String location(HttpResponse<String> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new Refused(response.statusCode(),
                "a redirect without a Location"));
        return response.uri().resolve(location).toString();
    }

    /** A request to a token endpoint: a confidential client sends its secret (HTTP Basic), a public one its id. */
    private HttpRequest authenticated(String url, Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").timeout(Duration.ofSeconds(30));
        if (clientSecret == null) {
            all.put("client_id", clientId);
        } else {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                    + ":" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        }
        return request.POST(HttpRequest.BodyPublishers.ofString(form(all))).build();
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().timeout(Duration.ofSeconds(30)).build();
    }

    private static HttpRequest post(String url, Map<String, String> fields) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html,application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build();
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot reach " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String csrf(HttpResponse<String> page) {
        Matcher matcher = CSRF.matcher(page.body());
        if (!matcher.find()) {
            throw new Refused(page.statusCode(), "no form on " + page.uri());
        }
        return matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
    }

    private static String errorOn(HttpResponse<String> page) {
        Matcher matcher = ERROR.matcher(page.body());
        return matcher.find() ? matcher.group(1).trim() : "page " + page.uri() + " (" + page.statusCode() + ")";
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int equals = pair.indexOf('=');
                parameters.put(java.net.URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8),
                        equals < 0 ? "" : java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    private static String random(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
