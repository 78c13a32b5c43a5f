package io.autotopup.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotopup.topupctl.stack.StackClient;
import io.autotopup.topupctl.stack.SubscriberSignIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Signing in on the whole system: a number signs up at the authorization server's pages, the code is texted by
 * notification-service over SMPP, entered, and the token it gets reaches the subscriber's own data and nobody
 * else's; the portal's refresh token rotates and signing out revokes it. Afterwards no code and no token is in
 * any topic, any store's files or any line the stack logged, in clear.
 */
@ExtendWith(OutputCaptureExtension.class)
class SignInJourneyIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static InProcessStack stack;
    private static StackClient client;

    @BeforeAll
    static void startStack() throws Exception {
        stack = InProcessStack.startHealthy(PATIENCE);
        client = stack.client();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void a_new_number_signs_up_with_the_texted_code_reaches_its_own_data_only_and_leaves_no_secret_anywhere(CapturedOutput output)
            throws Exception {
        String msisdn = "+856205" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
        List<String> secrets = new ArrayList<>();
        SubscriberSignIn portal = new SubscriberSignIn(stack.endpoints.authUrl(), "autotopup-portal", InProcessStack.PORTAL_SECRET,
                stack.portalUrl + "/login/oauth2/code/autotopup");

        SubscriberSignIn.Tokens tokens = signUp(portal, msisdn, secrets);
        assertThat(codeCount(msisdn)).as("one code texted: the one signing up asked for").isEqualTo(1);
        String subscriberId = tokens.subscriberId();
        secrets.addAll(List.of(tokens.accessToken(), tokens.refreshToken(), tokens.idToken()));

        JsonNode profile = call("GET", stack.endpoints.balanceUrl() + "/v1/subscribers/" + subscriberId, tokens.accessToken());
        assertThat(profile.path("msisdn").asText()).isEqualTo(msisdn);
        assertThat(profile.path("status").asText()).as("the sign-in activated the new subscriber").isEqualTo("ACTIVE");
        assertThat(client.inbox(msisdn).get(0).path("text").asText()).as("the code, in the language chosen at sign-up")
                .startsWith("ລະຫັດ AutoTopUp");
        HttpResponse<String> someoneElse = raw("GET", stack.endpoints.balanceUrl() + "/v1/subscribers/sub-someone-else/balance",
                tokens.accessToken());
        assertThat(someoneElse.statusCode()).isEqualTo(403);

        SubscriberSignIn.Tokens refreshed = portal.refresh(tokens.refreshToken());
        secrets.addAll(List.of(refreshed.accessToken(), refreshed.refreshToken()));
        assertThat(call("GET", stack.endpoints.balanceUrl() + "/v1/subscribers/" + subscriberId + "/balance", refreshed.accessToken())
                .path("subscriberId").asText()).isEqualTo(subscriberId);
        portal.revoke(refreshed.refreshToken());
        assertThatThrownBy(() -> portal.refresh(refreshed.refreshToken())).as("signed out").isInstanceOf(SubscriberSignIn.Refused.class);

        String everything = TextedTraces.everything(stack, output.getAll());
        assertThat(everything).as("the scan read the topics").contains(subscriberId);
        for (String secret : secrets) {
            assertThat(everything).as("a code or token in clear").doesNotContain(secret);
        }
    }

    /** Through the pages as a person would: the number, then (new to us) the language and currency, then the texted code. */
    private static SubscriberSignIn.Tokens signUp(SubscriberSignIn portal, String msisdn, List<String> secrets) {
        return portal.signUp(msisdn, "lo", "LAK", () -> {
            String code = textedCode(msisdn, 0);
            secrets.add(code);
            return code;
        });
    }

    private static int codeCount(String msisdn) {
        return TextedTraces.codeTexts(client, msisdn).size();
    }

    private static String textedCode(String msisdn, int before) {
        return TextedTraces.code(client, msisdn, before, PATIENCE);
    }

    private static JsonNode call(String method, String url, String token) throws Exception {
        HttpResponse<String> answer = raw(method, url, token);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body());
    }

    private static HttpResponse<String> raw(String method, String url, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
