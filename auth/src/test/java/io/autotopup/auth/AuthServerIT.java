package io.autotopup.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.autotopup.platform.testing.CommittedRecords;
import io.autotopup.platform.testing.TestBrokers;
import io.autotopup.schemas.Topics;
import io.autotopup.topupctl.stack.SubscriberSignIn;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The authorization server on a real broker, with balance-service's side of signing in played on loopback: a
 * subscriber signs in through the pages with a texted code and gets tokens; refresh tokens rotate, a reused one
 * revokes its sign-in, sign-out revokes; a restart and a second instance keep every sign-in; no token is written
 * anywhere in clear.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuthServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PORTAL_SECRET = "portal-secret-for-tests";
    private static final String TOPUPCTL_SECRET = "topupctl-secret-for-tests";
    private static final String NUMBER = "+8562055512345";
    private static final String SUBSCRIBER = "sub-8562055512345";

    private static EmbeddedKafkaKraftBroker broker;
    private static FakeBalanceService balance;
    private static RSAKey active;
    private static RSAKey retiring;
    private static int port;
    private static final List<ConfigurableApplicationContext> servers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        broker = TestBrokers.singleBroker();
        balance = new FakeBalanceService();
        balance.subscriberByNumber.put(NUMBER, SUBSCRIBER);
        active = new RSAKeyGenerator(2048).keyID("key-2026-12").generate();
        retiring = new RSAKeyGenerator(2048).keyID("key-2026-06").generate();
        port = freePort();
        servers.add(start(port));
    }

    @AfterEach
    void keepOnlyTheFirst() {
        while (servers.size() > 1) {
            servers.remove(servers.size() - 1).close();
        }
    }

    @AfterAll
    static void stop() {
        servers.forEach(ConfigurableApplicationContext::close);
        balance.close();
        broker.destroy();
    }

    @Test
    void discovery_names_the_endpoints_and_the_key_set_publishes_both_keys_public_parts_only() throws Exception {
        JsonNode discovery = JSON.readTree(get(issuer() + "/.well-known/openid-configuration").body());
        assertThat(discovery.path("issuer").asText()).isEqualTo(issuer());
        assertThat(discovery.path("token_endpoint").asText()).isEqualTo(issuer() + "/oauth2/token");
        assertThat(discovery.path("code_challenge_methods_supported").toString()).contains("S256");

        JWKSet keys = JWKSet.parse(get(discovery.path("jwks_uri").asText()).body());
        assertThat(keys.getKeys()).extracting(key -> key.getKeyID()).containsExactly("key-2026-12", "key-2026-06");
        assertThat(keys.getKeys()).noneMatch(key -> key.isPrivate());
    }

    @Test
    void a_page_that_does_not_exist_is_told_in_the_persons_language_not_on_springs_english_error_page() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer() + "/sign-in/nowhere"))
                .header("Accept", "text/html").header("Accept-Language", "lo").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body()).contains("ບໍ່ພົບໜ້ານີ້").contains("ຂໍ້ຜິດພາດ 404").doesNotContain("Whitelabel");
    }

    @Test
    void a_machine_gets_a_token_with_its_scopes_signed_by_the_active_key() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer() + "/oauth2/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("topupctl:" + TOPUPCTL_SECRET).getBytes()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=subscribers:read")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JWTClaimsSet claims = verified(JSON.readTree(answer.body()).path("access_token").asText());
        assertThat(claims.getSubject()).isEqualTo("topupctl");
        assertThat(claims.getStringListClaim("scope")).containsExactly("subscribers:read");
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(600_000);
    }

    @Test
    void a_subscriber_signs_in_with_the_texted_code_and_gets_tokens_that_name_them() throws Exception {
        SubscriberSignIn.Tokens tokens = portal().signIn(NUMBER, () -> balance.codeTextedTo(SUBSCRIBER));

        JWTClaimsSet access = verified(tokens.accessToken());
        assertThat(access.getSubject()).isEqualTo(SUBSCRIBER);
        assertThat(access.getStringListClaim("scope")).contains("subscriber", "openid");
        assertThat(access.getIssuer()).isEqualTo(issuer());
        assertThat(verified(tokens.idToken()).getSubject()).isEqualTo(SUBSCRIBER);
        assertThat(tokens.refreshToken()).isNotBlank();
        assertThat(balance.clientAddresses).as("the address of the person signing in is passed on").contains("127.0.0.1");
    }

    @Test
    void a_wrong_code_is_told_with_the_attempts_left_and_a_public_app_gets_no_refresh_token() {
        SubscriberSignIn app = new SubscriberSignIn(issuer(), "autotopup-app", "http://127.0.0.1/callback");

        assertThatThrownBy(() -> app.signIn(NUMBER, () -> "000000"))
                .isInstanceOfSatisfying(SubscriberSignIn.Refused.class, refused -> assertThat(refused.error())
                        .contains("That code is not right").contains("4 more tries"));
        SubscriberSignIn.Tokens tokens = app.signIn(NUMBER, () -> balance.codeTextedTo(SUBSCRIBER));
        assertThat(tokens.subscriberId()).isEqualTo(SUBSCRIBER);
        assertThat(tokens.refreshToken()).as("public clients get refresh tokens only when sender-constrained").isNull();
    }

    @Test
    void an_authorization_request_without_pkce_is_refused() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer()
                        + "/oauth2/authorize?response_type=code&client_id=autotopup-app&scope=openid&redirect_uri="
                        + "http%3A%2F%2F127.0.0.1%2Fcallback&state=s")).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location)
                .startsWith("http://127.0.0.1/callback").contains("error=invalid_request").contains("code_challenge"));
    }

    @Test
    void a_refresh_token_rotates_and_one_used_twice_revokes_the_whole_sign_in() {
        SubscriberSignIn.Tokens first = portal().signIn(NUMBER, () -> balance.codeTextedTo(SUBSCRIBER));
        SubscriberSignIn.Tokens second = portal().refresh(first.refreshToken());
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(second.subscriberId()).isEqualTo(SUBSCRIBER);

        assertThatThrownBy(() -> portal().refresh(first.refreshToken())).as("the old one, used again")
                .isInstanceOfSatisfying(SubscriberSignIn.Refused.class, refused -> assertThat(refused.error()).isEqualTo("invalid_grant"));
        assertThatThrownBy(() -> portal().refresh(second.refreshToken())).as("and with it the newest: the sign-in is revoked")
                .isInstanceOfSatisfying(SubscriberSignIn.Refused.class, refused -> assertThat(refused.error()).isEqualTo("invalid_grant"));
    }

    @Test
    void a_tokens_hash_as_the_topics_hold_it_is_not_the_token() throws Exception {
        SubscriberSignIn.Tokens tokens = portal().signIn(NUMBER, () -> balance.codeTextedTo(SUBSCRIBER));
        // exactly what auth-tokens is keyed by and auth-authorizations holds, marked as a stored token is read back
        String storedForm = "sha256:" + sha256(tokens.refreshToken());

        assertThatThrownBy(() -> portal().refresh(storedForm)).as("the stored hash, presented as a refresh token")
                .isInstanceOfSatisfying(SubscriberSignIn.Refused.class, refused -> assertThat(refused.error()).isEqualTo("invalid_grant"));
        assertThatThrownBy(() -> portal().refresh(sha256(tokens.refreshToken()))).as("and unmarked")
                .isInstanceOf(SubscriberSignIn.Refused.class);
        assertThat(introspect("sha256:" + sha256(tokens.accessToken())).path("active").asBoolean())
                .as("an access token's hash is not active").isFalse();
        assertThat(portal().refresh(tokens.refreshToken()).subscriberId()).as("the sign-in itself was not touched").isEqualTo(SUBSCRIBER);
    }

    @Test
    void introspection_tells_an_active_token_with_its_claims_and_a_revoked_one_as_inactive() throws Exception {
        SubscriberSignIn.Tokens tokens = portal().signIn(NUMBER, () -> balance.codeTextedTo(SUBSCRIBER));

        JsonNode access = introspect(tokens.accessToken());
        assertThat(access.path("active").asBoolean()).as(access.toString()).isTrue();
        assertThat(access.path("sub").asText()).isEqualTo(SUBSCRIBER);
        assertThat(access.path("client_id").asText()).isEqualTo("autotopup-portal");
        assertThat(access.path("exp").asLong()).as("the expiry, in epoch seconds")
                .isEqualTo(verified(tokens.accessToken()).getExpirationTime().toInstant().getEpochSecond());
        assertThat(introspect(tokens.refreshToken()).path("active").asBoolean()).isTrue();

        portal().revoke(tokens.refreshToken());
        assertThat(introspect(tokens.refreshToken()).path("active").asBoolean()).as("revoked").isFalse();
        assertThat(introspect("not-a-token").path("active").asBoolean()).isFalse();
    }

    @Test
    void signing_out_with_the_id_token_returns_to_the_portal_and_a_forged_hint_is_refused() throws Exception {
        SubscriberSignIn.Tokens tokens = portal().signIn(NUMBER, () -> balance.codeTextedTo(SUBSCRIBER));
        String back = "http://127.0.0.1:8085/";

        HttpResponse<String> out = get(issuer() + "/connect/logout?id_token_hint=" + tokens.idToken()
                + "&post_logout_redirect_uri=" + java.net.URLEncoder.encode(back, StandardCharsets.UTF_8) + "&state=bye");
        assertThat(out.statusCode()).as(out.body()).isEqualTo(302);
        assertThat(out.headers().firstValue("Location")).hasValue(back + "?state=bye");

        HttpResponse<String> forged = get(issuer() + "/connect/logout?id_token_hint=sha256:" + sha256(tokens.idToken())
                + "&post_logout_redirect_uri=" + java.net.URLEncoder.encode(back, StandardCharsets.UTF_8));
        assertThat(forged.statusCode()).as("an ID token's stored hash is no hint").isEqualTo(400);
    }

    @Test
    void signing_out_revokes_the_refresh_token() {
        SubscriberSignIn.Tokens tokens = portal().signIn(NUMBER, () -> balance.codeTextedTo(SUBSCRIBER));

        portal().revoke(tokens.refreshToken());

        assertThatThrownBy(() -> portal().refresh(tokens.refreshToken()))
                .isInstanceOfSatisfying(SubscriberSignIn.Refused.class, refused -> assertThat(refused.error()).isEqualTo("invalid_grant"));
    }

    @Test
    void a_restarted_server_and_a_second_instance_keep_every_sign_in_and_agree_on_reuse() throws Exception {
        SubscriberSignIn.Tokens tokens = portal().signIn(NUMBER, () -> balance.codeTextedTo(SUBSCRIBER));
        servers.remove(0).close();
        servers.add(0, start(port));
        SubscriberSignIn.Tokens afterRestart = portal().refresh(tokens.refreshToken());
        assertThat(afterRestart.subscriberId()).as("the restart, on an empty state directory, signed nobody out").isEqualTo(SUBSCRIBER);

        int secondPort = freePort();
        servers.add(start(secondPort));
        SubscriberSignIn atSecond = new SubscriberSignIn("http://127.0.0.1:" + secondPort, "autotopup-portal", PORTAL_SECRET,
                "http://127.0.0.1:8085/login/oauth2/code/autotopup");
        SubscriberSignIn.Tokens fromSecond = atSecond.refresh(afterRestart.refreshToken());
        assertThat(fromSecond.subscriberId()).isEqualTo(SUBSCRIBER);
        assertThatThrownBy(() -> portal().refresh(afterRestart.refreshToken())).as("the first instance knows it was used at the second")
                .isInstanceOf(SubscriberSignIn.Refused.class);
        assertThatThrownBy(() -> atSecond.refresh(fromSecond.refreshToken())).as("and the second that the sign-in is revoked")
                .isInstanceOf(SubscriberSignIn.Refused.class);
    }

    @Test
    void no_code_or_token_is_written_in_clear_to_a_topic_or_a_log(CapturedOutput output) {
        String code = balance.codeTextedTo(SUBSCRIBER);
        List<String> secrets = new ArrayList<>();
        SubscriberSignIn.Tokens tokens = portal().signIn(NUMBER, () -> {
            secrets.add(balance.codeTextedTo(SUBSCRIBER));
            return balance.codeTextedTo(SUBSCRIBER);
        });
        SubscriberSignIn.Tokens refreshed = portal().refresh(tokens.refreshToken());
        secrets.addAll(List.of(tokens.accessToken(), tokens.refreshToken(), tokens.idToken(), refreshed.accessToken(),
                refreshed.refreshToken()));

        StringBuilder everything = new StringBuilder(output.getAll());
        for (String topic : List.of(Topics.AUTH_AUTHORIZATIONS.name(), Topics.AUTH_TOKENS.name())) {
            for (ConsumerRecord<String, byte[]> record : CommittedRecords.of(broker.getBrokersAsString(), topic,
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                everything.append(record.key()).append(record.value() == null ? "" : new String(record.value(), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(everything).as("the topics were read").contains(SUBSCRIBER);
        for (String secret : secrets) {
            assertThat(everything.toString()).doesNotContain(secret);
            // a JWT's signature alone would be enough to spot it
            assertThat(everything.toString()).doesNotContain(secret.substring(Math.max(0, secret.length() - 40)));
        }
        assertThat(code == null || !everything.toString().contains("code=" + code)).isTrue();
    }

    private static JsonNode introspect(String token) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer() + "/oauth2/introspect"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("autotopup-portal:" + PORTAL_SECRET).getBytes()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static String sha256(String value) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SubscriberSignIn portal() {
        return new SubscriberSignIn(issuer(), "autotopup-portal", PORTAL_SECRET, "http://127.0.0.1:8085/login/oauth2/code/autotopup");
    }

    private static String issuer() {
        return "http://127.0.0.1:" + port;
    }

    private static JWTClaimsSet verified(String jwt) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(new JWKSet(active.toPublicJWK()))));
        return processor.process(jwt, null);
    }

    @Test
    void a_forwarded_address_is_believed_only_from_a_trusted_proxy_so_a_client_cannot_name_its_own() throws Exception {
        askForACode(issuer(), "198.51.100.23");
        assertThat(balance.clientAddresses.get(balance.clientAddresses.size() - 1))
                .as("no proxy is trusted by default: the spoofed header is ignored").isEqualTo("127.0.0.1");

        int behindProxy = freePort();
        servers.add(start(behindProxy, "--AUTH_TRUSTED_PROXIES=127\\.0\\.0\\.1"));
        // the proxy (here on 127.0.0.1) appends the address it saw to what the client sent
        askForACode("http://127.0.0.1:" + behindProxy, "198.51.100.23, 203.0.113.40");
        assertThat(balance.clientAddresses.get(balance.clientAddresses.size() - 1))
                .as("the address the trusted proxy saw, not what the client wrote before it").isEqualTo("203.0.113.40");
    }

    /** The sign-in page, then the number, sent with an X-Forwarded-For header. */
    private static void askForACode(String server, String forwardedFor) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String page = browser.send(HttpRequest.newBuilder(URI.create(server + "/sign-in")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
        assertThat(csrf.find()).as(page).isTrue();
        int before = balance.clientAddresses.size();
        HttpResponse<String> sent = browser.send(HttpRequest.newBuilder(URI.create(server + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString("msisdn=" + java.net.URLEncoder.encode(NUMBER, StandardCharsets.UTF_8)
                        + "&_csrf=" + java.net.URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sent.headers().firstValue("Location")).as(sent.body()).hasValueSatisfying(
                location -> assertThat(location).endsWith("/sign-in/code"));
        assertThat(balance.clientAddresses).hasSize(before + 1);
    }

    private static ConfigurableApplicationContext start(int serverPort, String... more) throws IOException {
        String keys = new JWKSet(List.of(active, retiring)).toString(false);
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.config.name=" + AuthServerApplication.CONFIG_NAME,
                "--server.port=" + serverPort, "--server.address=127.0.0.1",
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--spring.kafka.streams.state-dir=" + Files.createTempDirectory("auth-it"),
                "--autotopup.auth.issuer=" + issuer(),
                "--autotopup.auth.signing-keys=" + keys,
                "--autotopup.auth.balance-url=" + balance.url(),
                "--PORTAL_CLIENT_SECRET={noop}" + PORTAL_SECRET,
                "--TOPUPCTL_CLIENT_SECRET={noop}" + TOPUPCTL_SECRET,
                "--CARRIER_CLIENT_SECRET={noop}carrier-secret"));
        arguments.addAll(List.of(more));
        ConfigurableApplicationContext server = new SpringApplicationBuilder(AuthServerApplication.class).web(WebApplicationType.SERVLET)
                .run(arguments.toArray(String[]::new));
        StreamsBuilderFactoryBean streams = server.getBean(StreamsBuilderFactoryBean.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.getKafkaStreams() != null
                && streams.getKafkaStreams().state() == KafkaStreams.State.RUNNING);
        return server;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
