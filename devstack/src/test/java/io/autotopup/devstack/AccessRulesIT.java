package io.autotopup.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Who may call what, for every operation of every service, generated from the services' own OpenAPI documents
 * rather than listed by hand: each operation's access rule ({@code x-autotopup-access}, written from its
 * {@code @Access}) is checked against what the running service does. Without a token, with an expired one, one
 * signed by a key the issuer never had, one from an issuer nobody trusts, or one made for another audience: 401. With another subscriber's
 * token: 403, whether or not that subscriber exists. With the owner's token, or a token with a scope the rule
 * names: neither 401 nor 403. An operation without a rule fails here.
 */
class AccessRulesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OWNER = "sub-access-owner";
    private static final String STRANGER = "sub-access-stranger";

    private static InProcessStack stack;
    private static RSAKey foreignKey;

    @BeforeAll
    static void startStack() throws Exception {
        stack = InProcessStack.startHealthy(Duration.ofSeconds(60));
        foreignKey = new RSAKeyGenerator(2048).keyID(stack.signingKey.getKeyID()).generate();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> every_operation_of_every_service_answers_by_its_access_rule() throws Exception {
        List<DynamicNode> services = new ArrayList<>();
        for (String service : stack.serviceUrls()) {
            JsonNode document = JSON.readTree(send("GET", service + "/v3/api-docs", null).body());
            List<DynamicNode> operations = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
            while (paths.hasNext()) {
                Map.Entry<String, JsonNode> path = paths.next();
                Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields();
                while (methods.hasNext()) {
                    Map.Entry<String, JsonNode> method = methods.next();
                    String name = method.getKey().toUpperCase() + " " + path.getKey();
                    operations.add(DynamicTest.dynamicTest(name, () -> check(service, method.getKey().toUpperCase(), path.getKey(),
                            method.getValue())));
                }
            }
            assertThat(operations).as(service + " documents its operations").isNotEmpty();
            services.add(DynamicContainer.dynamicContainer(document.path("info").path("title").asText(service) + " " + service,
                    operations));
        }
        return services.stream();
    }

    @TestFactory
    Stream<DynamicNode> management_endpoints_open_only_health_and_prometheus() {
        return stack.serviceUrls().stream().map(service -> DynamicContainer.dynamicContainer(service, Stream.of(
                DynamicTest.dynamicTest("open: health, readiness, Prometheus", () -> {
                    for (String open : List.of("/actuator/health", "/actuator/health/readiness", "/actuator/prometheus")) {
                        assertThat(send("GET", service + open, null).statusCode()).as(open).isEqualTo(200);
                    }
                }),
                DynamicTest.dynamicTest("metrics and info: an operator's scope", () -> {
                    for (String closed : List.of("/actuator/metrics", "/actuator/metrics/jvm.memory.used", "/actuator/info", "/actuator")) {
                        assertThat(send("GET", service + closed, null).statusCode()).as(closed + ", no token").isEqualTo(401);
                        assertThat(send("GET", service + closed, null, token("machine-without-scopes", List.of(), null,
                                stack.signingKey, issuer())).statusCode()).as(closed + ", a machine token without scopes").isEqualTo(403);
                        assertThat(send("GET", service + closed, null, token(OWNER, List.of("subscriber"), null,
                                stack.signingKey, issuer())).statusCode()).as(closed + ", a subscriber").isEqualTo(403);
                    }
                    assertThat(send("GET", service + "/actuator/metrics", null, token("ops", List.of("operations:read"), null,
                            stack.signingKey, issuer())).statusCode()).as("an operator").isEqualTo(200);
                }))));
    }

    private static void check(String service, String method, String template, JsonNode operation) throws Exception {
        JsonNode rule = operation.path("x-autotopup-access");
        assertThat(rule.isMissingNode()).as(method + " " + template + " has no access rule (@Access)").isFalse();
        boolean open = rule.path("open").asBoolean();
        boolean owner = rule.path("owner").asBoolean();
        List<String> scopes = new ArrayList<>();
        rule.path("scopes").forEach(scope -> scopes.add(scope.asText()));
        boolean aboutASubscriber = template.contains("{subscriberId}");
        String url = service + template.replace("{subscriberId}", OWNER).replaceAll("\\{[^}]+}", "x");
        boolean multipart = operation.path("requestBody").path("content").has("multipart/form-data");
        String body = multipart ? MULTIPART_BODY : "POST".equals(method) || "PUT".equals(method) ? "{}" : null;

        if (open) {
            assertThat(send(method, url, body, null).statusCode()).as("no token, open").isNotIn(401, 403);
            return;
        }
        assertThat(send(method, url, body, null).statusCode()).as("no token").isEqualTo(401);
        assertThat(send(method, url, body, token(OWNER, List.of("subscriber"), Instant.now().minus(Duration.ofMinutes(15)), stack.signingKey,
                issuer())).statusCode()).as("an expired token").isEqualTo(401);
        assertThat(send(method, url, body, token(OWNER, List.of("subscriber"), null, foreignKey, issuer())).statusCode())
                .as("a token signed by a key the issuer never had").isEqualTo(401);
        assertThat(send(method, url, body, token(OWNER, List.of("subscriber"), null, stack.signingKey, "https://idp.example.com"))
                .statusCode()).as("a token from an issuer nobody trusts").isEqualTo(401);
        assertThat(send(method, url, body, token(OWNER, List.of("subscriber"), null, stack.signingKey, issuer(),
                List.of("some-other-api"))).statusCode()).as("a token of our issuer made for another API").isEqualTo(401);
        if (aboutASubscriber) {
            assertThat(send(method, url, body, token(STRANGER, List.of("subscriber"), null, stack.signingKey, issuer())).statusCode())
                    .as("another subscriber's token").isEqualTo(403);
            assertThat(send(method, url.replace(OWNER, "sub-that-does-not-exist"), body,
                    token(STRANGER, List.of("subscriber"), null, stack.signingKey, issuer())).statusCode())
                    .as("another subscriber's token, for an id that exists nowhere: the same answer").isEqualTo(403);
        }
        int asOwner = send(method, url, body, token(OWNER, List.of("subscriber"), null, stack.signingKey, issuer())).statusCode();
        if (owner) {
            assertThat(asOwner).as("the owner's token").isNotIn(401, 403);
        } else {
            assertThat(asOwner).as("a subscriber's token, for an operator's or a machine's operation").isEqualTo(403);
        }
        for (String scope : scopes) {
            assertThat(send(method, url, body, token("ops-" + scope, List.of(scope), null, stack.signingKey, issuer())).statusCode())
                    .as("a token with scope " + scope).isNotIn(401, 403);
        }
        assertThat(send(method, url, body, token("ops-none", List.of("profile"), null, stack.signingKey, issuer())).statusCode())
                .as("a token with none of the scopes").isEqualTo(403);
    }

    private static String issuer() {
        return stack.endpoints.authUrl();
    }

    /** A token as the authorization server would sign it; {@code expiredAt} null for one that is good now. */
    private static String token(String subject, List<String> scopes, Instant expiredAt, RSAKey key, String issuer) throws JOSEException {
        return token(subject, scopes, expiredAt, key, issuer, List.of("autotopup-app", "autotopup"));
    }

    private static String token(String subject, List<String> scopes, Instant expiredAt, RSAKey key, String issuer,
            List<String> audience) throws JOSEException {
        Instant expires = expiredAt == null ? Instant.now().plus(Duration.ofMinutes(10)) : expiredAt;
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(audience)
                .issueTime(Date.from(expires.minus(Duration.ofMinutes(10)))).notBeforeTime(Date.from(expires.minus(Duration.ofMinutes(10))))
                .expirationTime(Date.from(expires)).jwtID(UUID.randomUUID().toString()).claim("scope", scopes).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static HttpResponse<String> send(String method, String url, String body) throws Exception {
        return send(method, url, body, null);
    }

    /** An upload's form with one small field, for operations that take multipart/form-data. */
    private static final String MULTIPART_BODY = "--access-rules\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nOTHER\r\n"
            + "--access-rules--\r\n";

    private static HttpResponse<String> send(String method, String url, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", body == MULTIPART_BODY ? "multipart/form-data; boundary=access-rules" : "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
