package io.autotopup.platform.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A token issuer for tests of the resource servers: an RSA key, its JWKS and an OIDC discovery document served on
 * loopback, and tokens of every kind the access rules tell apart: a subscriber's own, a machine's with scopes,
 * expired ones, and ones signed by a key that is not the issuer's.
 */
public final class TestIssuer implements AutoCloseable {

    private final HttpServer server;
    private final RSAKey key;
    private final RSAKey foreignKey;

    private TestIssuer(int port) {
        try {
            key = new RSAKeyGenerator(2048).keyID("test-" + UUID.randomUUID()).generate();
            foreignKey = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/jwks", exchange -> respond(exchange, new JWKSet(key.toPublicJWK()).toString()));
        server.createContext("/oauth2/token", this::clientCredentials);
        server.createContext("/.well-known/openid-configuration", exchange -> respond(exchange,
                "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + jwkSetUri() + "\",\"subject_types_supported\":[\"public\"],"
                        + "\"id_token_signing_alg_values_supported\":[\"RS256\"],\"response_types_supported\":[\"code\"]}"));
        server.start();
    }

    /** A machine client it knows: its secret and the scopes it may have. */
    private final Map<String, Map.Entry<String, java.util.Set<String>>> clients = new java.util.concurrent.ConcurrentHashMap<>();

    /** Lets a client get tokens with client credentials, for these scopes at most. */
    public TestIssuer client(String clientId, String secret, String... scopes) {
        clients.put(clientId, Map.entry(secret, java.util.Set.of(scopes)));
        return this;
    }

    /** The token endpoint, client credentials only, as an authorization server answers: 401 invalid_client, 400 invalid_scope. */
    private void clientCredentials(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            String[] parts = pair.split("=", 2);
            fields.put(java.net.URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length < 2 ? "" : java.net.URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        String[] credentials = authorization == null || !authorization.startsWith("Basic ") ? new String[] {"", ""}
                : new String(java.util.Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8).split(":", 2);
        Map.Entry<String, java.util.Set<String>> client = clients.get(java.net.URLDecoder.decode(credentials[0], StandardCharsets.UTF_8));
        if (client == null || credentials.length < 2 || !client.getKey().equals(java.net.URLDecoder.decode(credentials[1], StandardCharsets.UTF_8))) {
            respond(exchange, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        java.util.List<String> asked = java.util.Arrays.stream(fields.getOrDefault("scope", "").split(" ")).filter(scope -> !scope.isBlank()).toList();
        if (!client.getValue().containsAll(asked)) {
            respond(exchange, 400, "{\"error\":\"invalid_scope\"}");
            return;
        }
        respond(exchange, 200, "{\"access_token\":\"" + machineToken(credentials[0], asked.toArray(String[]::new))
                + "\",\"token_type\":\"Bearer\",\"expires_in\":600}");
    }

    public static TestIssuer start() {
        return new TestIssuer(0);
    }

    /** On a port chosen beforehand: an issuer that comes up after a server that was told its address. */
    public static TestIssuer start(int port) {
        return new TestIssuer(port);
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String jwkSetUri() {
        return issuer() + "/jwks";
    }

    /** What a service needs to trust this issuer (as the n-th of its trusted issuers), as ours: its tokens may act as subscribers. */
    public Map<String, String> trustedBy(int index) {
        return trustedBy(index, true);
    }

    /** The same, for an issuer whose tokens may act as subscribers or, like a carrier's back office, may not. */
    public Map<String, String> trustedBy(int index, boolean subscribers) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("autotopup.security.issuers[" + index + "].issuer", issuer());
        properties.put("autotopup.security.issuers[" + index + "].jwk-set-uri", jwkSetUri());
        properties.put("autotopup.security.issuers[" + index + "].subscribers", Boolean.toString(subscribers));
        return properties;
    }

    /** The same, as command-line arguments. */
    public List<String> trustedByArguments(int index) {
        return trustedBy(index).entrySet().stream().map(entry -> "--" + entry.getKey() + "=" + entry.getValue()).toList();
    }

    /** A subscriber's own token, as the authorization server issues it after the texted code. */
    public String subscriberToken(String subscriberId) {
        return sign(key, claims(subscriberId, "openid subscriber", Instant.now().plus(Duration.ofMinutes(10))));
    }

    /** A machine's or operator's token with these scopes. */
    public String machineToken(String clientId, String... scopes) {
        return sign(key, claims(clientId, String.join(" ", scopes), Instant.now().plus(Duration.ofMinutes(10))));
    }

    /** A subscriber's token of this issuer, good in every way but made for another API ({@code aud}). */
    public String subscriberTokenFor(String audience, String subscriberId) {
        return sign(key, new JWTClaimsSet.Builder(claims(subscriberId, "openid subscriber", Instant.now().plus(Duration.ofMinutes(10))))
                .audience(audience).build());
    }

    /** A subscriber's token that expired a while ago (longer than any clock skew allowed). */
    public String expiredSubscriberToken(String subscriberId) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder(claims(subscriberId, "openid subscriber", Instant.now().minus(Duration.ofMinutes(10))))
                .issueTime(Date.from(Instant.now().minus(Duration.ofMinutes(20)))).notBeforeTime(null).build();
        return sign(key, claims);
    }

    /** A subscriber's token that names this issuer and its key id, but is signed by another key. */
    public String subscriberTokenSignedByAnotherKey(String subscriberId) {
        return sign(foreignKey, claims(subscriberId, "openid subscriber", Instant.now().plus(Duration.ofMinutes(10))));
    }

    private JWTClaimsSet claims(String subject, String scope, Instant expiresAt) {
        return new JWTClaimsSet.Builder().issuer(issuer()).subject(subject).audience(List.of("autotopup-test", "autotopup"))
                .issueTime(Date.from(Instant.now().minusSeconds(5))).notBeforeTime(Date.from(Instant.now().minusSeconds(5)))
                .expirationTime(Date.from(expiresAt)).jwtID(UUID.randomUUID().toString()).claim("scope", scope).build();
    }

    private static String sign(RSAKey signingKey, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, String json) throws IOException {
        respond(exchange, 200, json);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
