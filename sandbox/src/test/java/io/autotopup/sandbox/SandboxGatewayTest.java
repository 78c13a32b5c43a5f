package io.autotopup.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.sandbox.gateway.SandboxGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SandboxGatewayTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private SandboxGateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = SandboxGateway.start(0);
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void a_repeated_idempotency_key_gets_the_first_answer_and_charges_once() throws Exception {
        String token = token("4242424242424242");

        HttpResponse<String> first = charge(token, "topup-1");
        HttpResponse<String> again = charge(token, "topup-1");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(gateway.charges()).hasSize(1);
        assertThat(gateway.charges().get(0).status()).isEqualTo("succeeded");
    }

    @Test
    void a_key_reused_for_another_charge_is_refused_and_keys_are_forgotten_after_24_hours() throws Exception {
        String token = token("4242424242424242");
        charge(token, "topup-k");

        HttpResponse<String> other = post("/v1/charges", "{\"token\":\"" + token + "\",\"amount\":1,\"currency\":\"LAK\"}", "topup-k");
        assertThat(other.statusCode()).isEqualTo(409);

        gateway.advanceClock(java.time.Duration.ofHours(25));
        assertThat(charge(token, "topup-k").statusCode()).isEqualTo(201);
        assertThat(gateway.charges()).as("a forgotten key charges again, as at a real gateway").hasSize(2);
    }

    @Test
    void the_next_charges_can_be_made_to_fail_without_charging() throws Exception {
        String token = token("4242424242424242");
        gateway.setFaults(new SandboxGateway.Faults(0, false, 2));

        assertThat(charge(token, "topup-f").statusCode()).isEqualTo(500);
        assertThat(charge(token, "topup-f").statusCode()).isEqualTo(500);
        assertThat(charge(token, "topup-f").statusCode()).isEqualTo(201);
        assertThat(gateway.charges()).hasSize(1);
    }

    @Test
    void a_declining_test_card_is_declined_with_its_code() throws Exception {
        HttpResponse<String> response = charge(token("4000000000009995"), "topup-2");

        assertThat(response.statusCode()).isEqualTo(402);
        assertThat(response.body()).contains("insufficient_funds");
    }

    @Test
    void a_token_reveals_the_last_four_digits_but_never_the_number() throws Exception {
        HttpResponse<String> response = post("/v1/tokens",
                "{\"number\":\"4242 4242 4242 4242\",\"expMonth\":12,\"expYear\":2035,\"cvc\":\"123\"}", null);

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).contains("\"last4\":\"4242\"").contains("\"brand\":\"VISA\"")
                .doesNotContain("4242424242424242").doesNotContain("123\"");
    }

    @Test
    void a_number_that_fails_the_luhn_check_is_refused_with_a_problem() throws Exception {
        HttpResponse<String> response = post("/v1/tokens",
                "{\"number\":\"4242424242424241\",\"expMonth\":12,\"expYear\":2035}", null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Luhn");
    }

    @Test
    void a_token_attached_to_one_customer_is_refused_to_another() throws Exception {
        String token = token("4242424242424242");

        assertThat(post("/v1/tokens/" + token + "/attach", "{\"customer\":\"sub-alice\"}", null).statusCode()).isEqualTo(200);
        assertThat(post("/v1/tokens/" + token + "/attach", "{\"customer\":\"sub-alice\"}", null).statusCode())
                .as("the same customer again").isEqualTo(200);
        HttpResponse<String> other = post("/v1/tokens/" + token + "/attach", "{\"customer\":\"sub-mallory\"}", null);
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(other.body()).contains("another customer");
        assertThat(post("/v1/tokens/tok_nope/attach", "{\"customer\":\"sub-alice\"}", null).statusCode()).isEqualTo(404);
    }

    @Test
    void an_expiry_month_that_is_not_a_month_is_refused_as_an_expiry_not_as_a_card() throws Exception {
        HttpResponse<String> response = post("/v1/tokens", "{\"number\":\"4242424242424242\",\"expMonth\":13,\"expYear\":2035}", null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Expiry month 13 is not a month");
    }

    @Test
    void a_gateway_with_a_state_file_still_knows_its_tokens_and_keys_after_a_restart(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        java.nio.file.Path state = dir.resolve("gateway.json");
        gateway.close();
        gateway = SandboxGateway.start(0, state);
        String token = token("4242424242424242");
        String first = charge(token, "topup-restart").body();

        gateway.close();
        gateway = SandboxGateway.start(0, state);
        HttpResponse<String> again = charge(token, "topup-restart");
        HttpResponse<String> other = charge(token, "topup-after-restart");

        assertThat(again.body()).isEqualTo(first);
        assertThat(other.statusCode()).isEqualTo(201);
        assertThat(gateway.charges()).hasSize(2);
        assertThat(java.nio.file.Files.readString(state)).doesNotContain("4242424242424242");
    }

    private String token(String number) throws Exception {
        return gateway.tokenize(number, 12, 2035).token();
    }

    private HttpResponse<String> charge(String token, String key) throws Exception {
        return post("/v1/charges", "{\"token\":\"" + token + "\",\"amount\":50000,\"currency\":\"LAK\"}", key);
    }

    private HttpResponse<String> post(String path, String json, String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
