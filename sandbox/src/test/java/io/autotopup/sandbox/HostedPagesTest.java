package io.autotopup.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.sandbox.gateway.SandboxGateway;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's own pages: the card field a merchant frames, and a wallet's agreement page. */
class HostedPagesTest {

    private static final String PORTAL = "http://127.0.0.1:8085";
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
    void the_card_field_may_be_framed_only_by_the_origin_it_answers_to_and_runs_only_its_own_script() throws Exception {
        HttpResponse<String> page = get("/hosted/card-field?parent=" + encode(PORTAL) + "&lang=lo");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("frame-ancestors " + PORTAL).contains("script-src 'self'").contains("connect-src 'self'");
        assertThat(page.body()).contains("data-parent-origin=\"" + PORTAL + "\"").contains("ເລກບັດ")
                .contains("<script src=\"/hosted/card-field.js\"></script>").doesNotContain("<script>");
        assertThat(get("/hosted/card-field.js").body()).contains("postMessage").contains("'/v1/tokens'");
    }

    @Test
    void a_parent_that_is_not_an_origin_is_refused_so_nothing_can_be_injected_into_the_policy() throws Exception {
        assertThat(get("/hosted/card-field?parent=" + encode("* 'unsafe-inline'")).statusCode()).isEqualTo(400);
        assertThat(get("/hosted/card-field").statusCode()).isEqualTo(400);
    }

    @Test
    void approving_a_wallet_returns_to_the_merchant_with_its_state_and_a_wallet_token() throws Exception {
        String returnUrl = PORTAL + "/payment-methods/wallets/return";
        HttpResponse<String> page = get("/hosted/wallet-approval?wallet=ALIPAY&lang=zh&state=s-1&return_url=" + encode(returnUrl));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("支付宝").contains("name=\"state\" value=\"s-1\"");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("form-action 'self' " + PORTAL);

        HttpResponse<String> approved = post("/hosted/wallet-approval", Map.of("wallet", "ALIPAY", "return_url", returnUrl,
                "state", "s-1", "account", "+8562055512345", "decision", "approve"));

        assertThat(approved.statusCode()).isEqualTo(303);
        URI back = URI.create(approved.headers().firstValue("Location").orElseThrow());
        assertThat(back.toString()).startsWith(returnUrl + "?state=s-1&token=tok_");
        String token = back.getQuery().replaceAll(".*token=", "");
        assertThat(get("/v1/tokens/" + token).body()).contains("\"type\":\"ALIPAY\"");
    }

    @Test
    void cancelling_returns_without_a_token_and_an_empty_account_is_asked_for_again() throws Exception {
        String returnUrl = PORTAL + "/back?x=1";
        HttpResponse<String> cancelled = post("/hosted/wallet-approval", Map.of("wallet", "BCEL_ONEPAY", "return_url", returnUrl,
                "state", "s-2", "decision", "cancel"));
        assertThat(cancelled.headers().firstValue("Location")).hasValue(returnUrl + "&state=s-2&error=cancelled");

        HttpResponse<String> empty = post("/hosted/wallet-approval", Map.of("wallet", "BCEL_ONEPAY", "return_url", returnUrl,
                "state", "s-2", "account", " ", "decision", "approve", "lang", "th"));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("กรอกบัญชีของคุณ");
    }

    @Test
    void a_return_address_that_is_not_http_or_an_unknown_wallet_is_refused() throws Exception {
        assertThat(get("/hosted/wallet-approval?wallet=ALIPAY&return_url=" + encode("javascript:alert(1)")).statusCode())
                .isEqualTo(400);
        assertThat(get("/hosted/wallet-approval?wallet=PAYPAL&return_url=" + encode(PORTAL)).statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(encode(name)).append('=').append(encode(value)));
        return client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
