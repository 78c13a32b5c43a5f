package io.autotopup.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The portal's guard rails, without a stack behind it: who is sent where before signing in, the authorization request
 * it makes (PKCE, the page's language), its headers (Content-Security-Policy without inline scripts, no framing), its
 * cookies, and CSRF on what changes anything.
 */
@SpringBootTest(classes = PortalApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=portal", "autotopup.portal.public-url=https://portal.example",
        "autotopup.portal.auth.issuer=https://auth.example", "autotopup.portal.auth.client-secret=test-secret",
        "autotopup.portal.gateway-url=https://pay.example"})
@AutoConfigureWebTestClient
class PortalSecurityTest {

    private static final Pattern SCRIPT = Pattern.compile("<script\\b([^>]*)>");

    @Autowired
    WebTestClient http;

    @Test
    void a_person_not_signed_in_is_sent_to_the_welcome_page_and_htmx_is_told_to_go_there() {
        http.get().uri("/").exchange().expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/welcome");
        http.get().uri("/live").header("HX-Request", "true").exchange().expectStatus().isOk()
                .expectHeader().valueEquals("HX-Redirect", "/welcome");
        http.get().uri("/top-ups/someone-elses").exchange().expectStatus().isEqualTo(HttpStatus.SEE_OTHER);
    }

    @Test
    void pages_run_only_their_own_scripts_frame_only_the_gateway_and_are_framed_by_nobody() {
        EntityExchangeResult<String> welcome = http.get().uri("/welcome").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult();

        String policy = welcome.getResponseHeaders().getFirst("Content-Security-Policy");
        assertThat(policy).contains("default-src 'self'").contains("script-src 'self';").contains("frame-src https://pay.example;")
                .contains("form-action 'self' https://auth.example https://pay.example").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(welcome.getResponseHeaders().getFirst("X-Frame-Options")).isEqualTo("DENY");
        Matcher scripts = SCRIPT.matcher(welcome.getResponseBody());
        int count = 0;
        while (scripts.find()) {
            count++;
            assertThat(scripts.group(1)).as("a script from a file, not inline").contains("src=");
        }
        assertThat(count).as("htmx").isPositive();
        http.get().uri("/webjars/htmx.org/dist/htmx.min.js").exchange().expectStatus().isOk();
        http.get().uri("/fonts/NotoSansLao-Regular.ttf").exchange().expectStatus().isOk();
    }

    @Test
    void signing_in_asks_the_authorization_server_for_a_code_with_pkce_in_the_language_of_the_page() {
        EntityExchangeResult<byte[]> redirect = http.get().uri("/oauth2/authorization/autotopup")
                .header(HttpHeaders.ACCEPT_LANGUAGE, "th-TH,th;q=0.9,en;q=0.5").exchange()
                .expectStatus().is3xxRedirection().expectBody().returnResult();

        URI location = redirect.getResponseHeaders().getLocation();
        assertThat(location.toString()).startsWith("https://auth.example/oauth2/authorize?");
        var query = UriComponentsBuilder.fromUri(location).build().getQueryParams();
        assertThat(query.getFirst("response_type")).isEqualTo("code");
        assertThat(query.getFirst("client_id")).isEqualTo("autotopup-portal");
        assertThat(query.getFirst("code_challenge_method")).isEqualTo("S256");
        assertThat(query.getFirst("code_challenge")).isNotBlank();
        assertThat(query.getFirst("ui_locales")).isEqualTo("th");
        assertThat(java.net.URLDecoder.decode(query.getFirst("redirect_uri"), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("https://portal.example/login/oauth2/code/autotopup");
        List<String> cookies = redirect.getResponseHeaders().get(HttpHeaders.SET_COOKIE);
        assertThat(cookies).anySatisfy(cookie -> assertThat(cookie).startsWith("AUTOTOPUP_PORTAL=").containsIgnoringCase("HttpOnly")
                .contains("SameSite=Lax").contains("Secure"));
    }

    @Test
    void a_form_without_its_csrf_token_changes_nothing() {
        http.post().uri("/sign-out").exchange().expectStatus().isForbidden();
        http.post().uri("/auto-top-up/cancel").exchange().expectStatus().isForbidden();
        // a page elsewhere cannot make a signed-in browser pay
        http.post().uri("/top-up-now").bodyValue("amount=50000").header("Content-Type", "application/x-www-form-urlencoded")
                .exchange().expectStatus().isForbidden();
        http.post().uri("/history/text-language").exchange().expectStatus().isForbidden();
    }

    @Test
    void the_language_chosen_on_a_page_is_kept() {
        EntityExchangeResult<String> lao = http.get().uri("/welcome?lang=lo").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult();

        assertThat(lao.getResponseBody()).contains("lang=\"lo\"").contains("ບໍ່ໃຫ້ເງິນໃນເບີໝົດອີກ");
        assertThat(lao.getResponseHeaders().get(HttpHeaders.SET_COOKIE)).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("autotopup-lang=lo"));
        http.get().uri("/welcome").cookie("autotopup-lang", "zh").exchange().expectBody(String.class)
                .value(body -> assertThat(body).contains("话费永不用完"));
    }
}
