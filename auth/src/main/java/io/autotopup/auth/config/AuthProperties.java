package io.autotopup.auth.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The authorization server's settings, under {@code autotopup.auth}.
 *
 * @param issuer          the issuer identifier: the address clients and resource servers know it by
 * @param signingKeys     a JWK set (JSON) with the private keys that sign tokens, or a file holding one: the first
 *                        signs, the others are still published in the JWKS so that tokens they signed stay valid
 *                        while keys rotate (a Kubernetes Secret)
 * @param balanceUrl      balance-service, which texts and checks the one-time codes
 * @param accessTokenTtl  how long an access token lives
 * @param refreshTokenTtl how long a sign-in lasts without being used
 * @param clients         the clients: the portal and the apps (authorization code with PKCE), machines (client credentials)
 */
@ConfigurationProperties("autotopup.auth")
public record AuthProperties(String issuer, String signingKeys, String balanceUrl,
        @DefaultValue("10m") Duration accessTokenTtl, @DefaultValue("30d") Duration refreshTokenTtl,
        @DefaultValue List<Client> clients) {

    /**
     * @param id           the client id
     * @param secret       the client secret, encoded ({bcrypt}…, or {noop}… on a laptop); none for a public client
     * @param grantTypes   authorization_code (with refresh_token) for people, client_credentials for machines
     * @param redirectUris where the code flow may return
     * @param scopes       what the client may ask for
     * @param postLogoutRedirectUris where a sign-out may return
     */
    public record Client(String id, String secret, List<String> grantTypes, @DefaultValue List<String> redirectUris,
            List<String> scopes, @DefaultValue List<String> postLogoutRedirectUris) {
    }
}
