package io.autotopup.auth.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A token as it may be written down: its SHA-256. Tokens are long random values or signed JWTs, so their hash
 * finds them and cannot be turned back into them; no topic, store or log holds a token in clear. A token read
 * back from storage carries its hash, marked, in place of its value.
 *
 * <p>What a caller presents is always hashed ({@link #of}): a stored hash sent as a token is just another unknown
 * value. Only an authorization being written back ({@link #forStorage}) may carry a stand-in, and only there is the
 * mark read.
 */
public final class TokenHash {

    private static final String MARK = "sha256:";

    private TokenHash() {
    }

    /** The hash of a token value a caller presented, whatever it looks like. */
    public static String of(String presented) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(presented.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The hash to write for a token of an authorization being saved: the hash it already carries if it was read back
     * from storage ({@link #standIn}), else that of its value. Never for a value a caller presented.
     */
    public static String forStorage(String tokenValue) {
        return tokenValue.startsWith(MARK) ? tokenValue.substring(MARK.length()) : of(tokenValue);
    }

    /** What stands for a stored token's value once it is read back: never the value itself. */
    public static String standIn(String hash) {
        return MARK + hash;
    }
}
