package io.autotopup.platform.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One-time codes without ever writing one down: a code travels to the SMS sender sealed (AES-GCM) and is
 * checked against an HMAC, so neither a topic, a state store nor a log holds it in clear. Both keys are
 * derived from one secret shared by balance-service (issues and checks) and notification-service (opens
 * the seal just before the SMS goes out).
 */
public final class OneTimeCodes {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec sealKey;
    private final SecretKeySpec hashKey;
    private final SecureRandom random = new SecureRandom();

    private OneTimeCodes(byte[] secret) {
        this.sealKey = new SecretKeySpec(derive(secret, "seal"), "AES");
        this.hashKey = new SecretKeySpec(derive(secret, "hash"), "HmacSHA256");
    }

    /**
     * @param base64Secret at least 32 random bytes, base64-encoded (e.g. {@code openssl rand -base64 32})
     * @throws IllegalStateException with what to set when the secret is missing or too short
     */
    public static OneTimeCodes fromBase64(String base64Secret) {
        if (base64Secret == null || base64Secret.isBlank()) {
            throw new IllegalStateException("autotopup.verification.key (VERIFICATION_CODE_KEY) is not set: "
                    + "give balance-service and notification-service the same 32 random bytes, base64-encoded");
        }
        byte[] secret = Base64.getDecoder().decode(base64Secret.trim());
        if (secret.length < 32) {
            throw new IllegalStateException("autotopup.verification.key must be at least 32 bytes (base64)");
        }
        return new OneTimeCodes(secret);
    }

    /** A fresh 6-digit code. */
    public String newCode() {
        return String.format("%06d", random.nextInt(1_000_000));
    }

    public String seal(String code) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(code.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot seal a code", e);
        }
    }

    /** @throws IllegalArgumentException when the seal was not made with this secret or was tampered with */
    public String open(String sealed) {
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            return new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("The sealed code cannot be opened with this key", e);
        }
    }

    public String hash(String subscriberId, String code) {
        return HexFormat.of().formatHex(mac(hashKey, subscriberId + ":" + code));
    }

    /** A client address as it may be written to a topic and counted: a keyed hash, so the address itself never is. */
    public String hashAddress(String address) {
        return HexFormat.of().formatHex(mac(hashKey, "address:" + address), 0, 16);
    }

    /** Constant-time comparison of a code against the hash it should have. */
    public boolean matches(String subscriberId, String code, String expectedHash) {
        return code != null && expectedHash != null && MessageDigest.isEqual(
                hash(subscriberId, code).getBytes(StandardCharsets.US_ASCII), expectedHash.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] derive(byte[] secret, String purpose) {
        return mac(new SecretKeySpec(secret, "HmacSHA256"), "autotopup-one-time-code-" + purpose);
    }

    private static byte[] mac(SecretKeySpec key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
