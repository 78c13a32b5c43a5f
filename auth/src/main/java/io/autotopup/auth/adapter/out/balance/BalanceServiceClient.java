package io.autotopup.auth.adapter.out.balance;

import io.autotopup.auth.domain.SignInRefused;
import io.autotopup.platform.security.ApiSecurityProperties;
import io.autotopup.platform.security.Scopes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.web.client.RestClient;

/**
 * balance-service, which knows the numbers and texts and checks the one-time codes. This server calls it with a
 * token of its own, scope {@code signin}, and passes on the address of the person signing in, for the limits per
 * address. A refusal comes back as {@link SignInRefused} with its reason and when to try again.
 */
public final class BalanceServiceClient {

    /** The header balance-service reads the address of the person signing in from. */
    static final String CLIENT_ADDRESS_HEADER = "X-Autotopup-Client-Address";
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);

    private final RestClient client;
    private final JwtEncoder encoder;
    private final String issuer;
    private final Clock clock;
    private volatile String token;
    private volatile Instant tokenRenewAt = Instant.EPOCH;

    public BalanceServiceClient(RestClient.Builder builder, String balanceUrl, JwtEncoder encoder, String issuer, Clock clock) {
        this.client = builder.baseUrl(balanceUrl).build();
        this.encoder = encoder;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** A subscriber found by number. */
    public record Subscriber(String subscriberId, String status) {
    }

    public Optional<Subscriber> subscriberByNumber(String msisdn) {
        return client.get().uri("/v1/subscriber-numbers/{msisdn}", msisdn).headers(headers -> headers.setBearerAuth(token()))
                .exchange((request, response) -> {
                    if (response.getStatusCode().value() == 404) {
                        return Optional.empty();
                    }
                    Map<?, ?> body = body(response);
                    refuseUnlessOk(response.getStatusCode(), body, response.getHeaders().getFirst("Retry-After"));
                    return Optional.of(new Subscriber(String.valueOf(body.get("subscriberId")), String.valueOf(body.get("status"))));
                });
    }

    /** Texts a code to the subscriber's number. */
    public void sendCode(String subscriberId, String clientAddress) {
        client.post().uri("/v1/subscribers/{id}/sign-in-code", subscriberId).headers(headers -> {
                    headers.setBearerAuth(token());
                    headers.set(CLIENT_ADDRESS_HEADER, clientAddress);
                })
                .exchange((request, response) -> {
                    refuseUnlessOk(response.getStatusCode(), body(response), response.getHeaders().getFirst("Retry-After"));
                    return null;
                });
    }

    /** Registers a new number (the code is texted to it at once); returns its subscriber id. */
    public String signUp(String msisdn, String currency, String language, String clientAddress) {
        return client.post().uri("/v1/subscribers").contentType(MediaType.APPLICATION_JSON).headers(headers -> {
                    headers.setBearerAuth(token());
                    headers.set(CLIENT_ADDRESS_HEADER, clientAddress);
                })
                .body(Map.of("msisdn", msisdn, "currency", currency, "language", language))
                .exchange((request, response) -> {
                    Map<?, ?> body = body(response);
                    refuseUnlessOk(response.getStatusCode(), body, response.getHeaders().getFirst("Retry-After"));
                    return String.valueOf(body.get("subscriberId"));
                });
    }

    /** Checks the code; returns the subscriber's status after (a new subscriber is activated by it). */
    public String signIn(String subscriberId, String code) {
        return client.post().uri("/v1/subscribers/{id}/sign-in", subscriberId).contentType(MediaType.APPLICATION_JSON)
                .headers(headers -> headers.setBearerAuth(token()))
                .body(Map.of("code", code))
                .exchange((request, response) -> {
                    Map<?, ?> body = body(response);
                    refuseUnlessOk(response.getStatusCode(), body, response.getHeaders().getFirst("Retry-After"));
                    return String.valueOf(body.get("status"));
                });
    }

    private static Map<?, ?> body(RestClient.RequestHeadersSpec.ConvertibleClientHttpResponse response) {
        try {
            Map<?, ?> body = response.bodyTo(Map.class);
            return body == null ? Map.of() : body;
        } catch (RuntimeException unreadable) {
            return Map.of();
        }
    }

    private static void refuseUnlessOk(HttpStatusCode status, Map<?, ?> problem, String retryAfter) {
        if (status.is2xxSuccessful()) {
            return;
        }
        Object reason = problem == null ? null : problem.get("reason");
        Object attemptsLeft = problem == null ? null : problem.get("attemptsLeft");
        Duration wait = retryAfter == null ? Duration.ZERO : Duration.ofSeconds(Long.parseLong(retryAfter.trim()));
        SignInRefused.Reason why = reason == null ? SignInRefused.Reason.fromStatus(status.value())
                : SignInRefused.Reason.valueOf(String.valueOf(reason));
        throw new SignInRefused(why, wait, attemptsLeft instanceof Number number ? number.intValue() : -1,
                problem == null ? null : String.valueOf(problem.get("detail")));
    }

    /** This server's own token for balance-service, renewed a minute before it expires. */
    private String token() {
        Instant now = clock.instant();
        if (token == null || now.isAfter(tokenRenewAt)) {
            JwtClaimsSet claims = JwtClaimsSet.builder().issuer(issuer).subject("autotopup-auth").audience(java.util.List.of("balance-service", ApiSecurityProperties.Issuer.AUDIENCE))
                    .issuedAt(now).expiresAt(now.plus(TOKEN_LIFETIME)).claim("scope", Scopes.SIGN_IN).build();
            token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims)).getTokenValue();
            tokenRenewAt = now.plus(TOKEN_LIFETIME).minus(Duration.ofMinutes(1));
        }
        return token;
    }
}
