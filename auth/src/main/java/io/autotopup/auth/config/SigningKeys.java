package io.autotopup.auth.config;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;

/**
 * The keys that sign tokens, from configuration: a JWK set with private keys, inline or in a file (a Kubernetes
 * Secret). The first signs; the ones after it are still published, so tokens they signed stay valid while keys
 * rotate: add the new key first, keep the old one second until its tokens have expired (a refresh token's
 * lifetime for ID tokens, 10 minutes for access tokens), then drop it.
 */
public record SigningKeys(JWK active, JWKSet all) {

    public static SigningKeys load(String configured) {
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("autotopup.auth.signing-keys (AUTH_SIGNING_KEYS) is not set: give a JWK set with "
                    + "at least one private key (RSA 2048 or EC P-256), inline or as a file path; ./devstack.sh makes one");
        }
        String json;
        try {
            json = configured.trim().startsWith("{") ? configured : Files.readString(Path.of(configured.trim()));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the signing keys from " + configured, e);
        }
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("autotopup.auth.signing-keys is not a JWK set: " + e.getMessage(), e);
        }
        List<JWK> keys = set.getKeys();
        if (keys.isEmpty() || !keys.get(0).isPrivate()) {
            throw new IllegalStateException("autotopup.auth.signing-keys must start with a private key, the one that signs");
        }
        if (keys.stream().anyMatch(key -> key.getKeyID() == null)) {
            throw new IllegalStateException("every signing key needs a key id (kid), so that its tokens name it");
        }
        return new SigningKeys(keys.get(0), set);
    }
}
