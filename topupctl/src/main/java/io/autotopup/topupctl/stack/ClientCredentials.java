package io.autotopup.topupctl.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A machine's tokens from the authorization server, with client credentials (RFC 6749 §4.4), one per set of
 * scopes asked for, each renewed a minute before it expires. A client that may not have what it asks for is told
 * so in words ({@link NotAllowedException}).
 */
public final class ClientCredentials {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String authUrl;
    private final String clientId;
    private final String clientSecret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String value, Instant renewAt) {
    }

    public ClientCredentials(String authUrl, String clientId, String clientSecret) {
        this.authUrl = authUrl == null ? null : authUrl.replaceAll("/+$", "");
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** The client or the authorization server said no. */
    public static final class NotAllowedException extends RuntimeException {
        public NotAllowedException(String message) {
            super(message);
        }
    }

    /** A token with these scopes (space-separated), or {@link NotAllowedException} saying why there is none. */
    public String token(String scopes) {
        Token token = tokens.get(scopes);
        if (token != null && Instant.now().isBefore(token.renewAt())) {
            return token.value();
        }
        if (clientSecret == null || clientSecret.isBlank()) {
            throw new NotAllowedException("No secret for client " + clientId + ": set TOPUPCTL_CLIENT_SECRET (or --client-secret); "
                    + "the devstack keeps its own in .devstack/topupctl-client-secret");
        }
        String basic = Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(URI.create(authUrl + "/oauth2/token")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
                            + URLEncoder.encode(scopes, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new NotAllowedException("The authorization server at " + authUrl + " did not answer (" + e.getMessage()
                    + "): is it running, and is --auth-url (or $AUTH_ISSUER_URI) right?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(answer.body().isEmpty() ? "{}" : answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (answer.statusCode() != 200) {
            String error = body.path("error").asText("HTTP " + answer.statusCode());
            throw new NotAllowedException(switch (error) {
                case "invalid_scope" -> "Client " + clientId + " may not do this: it has no scope " + scopes
                        + " at the authorization server";
                case "invalid_client", "unauthorized_client" -> "The authorization server does not know client " + clientId
                        + " with this secret";
                default -> "The authorization server refused client " + clientId + ": " + error;
            });
        }
        String value = body.path("access_token").asText();
        tokens.put(scopes, new Token(value, Instant.now().plusSeconds(Math.max(30, body.path("expires_in").asLong(600) - 60))));
        return value;
    }

    public String clientId() {
        return clientId;
    }
}
