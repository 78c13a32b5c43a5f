package io.autotopup.auth.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A token as it may be written down: its SHA-256. Tokens are long random values or signed JWTs, so their hash
 * finds them and cannot be turned back into them; no topic, store or log holds a token in clear. A token read
 * back from storage carries its hash, marked, in place of its value.
 */
public final class TokenHash {

    private static final String MARK = "sha256:";

    private TokenHash() {
    }

    /** The hash of a token value, or the hash a stored token already carries. */
    public static String of(String tokenValue) {
        if (tokenValue.startsWith(MARK)) {
            return tokenValue.substring(MARK.length());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tokenValue.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What stands for a stored token's value once it is read back: never the value itself. */
    public static String standIn(String hash) {
        return MARK + hash;
    }
}
