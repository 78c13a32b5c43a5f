package io.autotopup.platform.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM envelope encryption, for what must be kept but never in clear: identity documents in the object store,
 * card and wallet tokens on {@code payment-methods}. Each value gets a fresh data key; the data key is wrapped
 * (AES-GCM) by a key encryption key from configuration, and the value carries the id of that key, so keys can be
 * rotated: new values use the current key, and older ones open with the key they name for as long as it is
 * configured. A context (the object key, the subscriber and method) is authenticated with the data, so a value copied
 * to another place does not open.
 *
 * <pre>
 * "ATD1" | key id length (1) | key id (UTF-8) | wrap IV (12) | wrapped data key (32 + 16) | data IV (12) | ciphertext + tag (16)
 * </pre>
 */
public final class EnvelopeCipher {

    private static final byte[] MAGIC = "ATD1".getBytes(StandardCharsets.US_ASCII);
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, SecretKeySpec> keys;
    private final String currentKeyId;

    /** The sealed bytes and the id of the key that wraps their data key. */
    public record Sealed(byte[] bytes, String keyId) {
    }

    /**
     * @param keys         key id to a base64 AES-256 key: the current one and every older one still to be read
     * @param currentKeyId the key new values are wrapped with
     */
    public EnvelopeCipher(Map<String, String> keys, String currentKeyId) {
        if (keys == null || !keys.containsKey(currentKeyId)) {
            throw new IllegalStateException("no key " + currentKeyId + " among the configured keys");
        }
        this.keys = keys.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, entry -> {
            byte[] key = Base64.getDecoder().decode(entry.getValue().trim());
            if (key.length != 32) {
                throw new IllegalStateException("key " + entry.getKey() + " is not 32 bytes (AES-256)");
            }
            return new SecretKeySpec(key, "AES");
        }));
        if (currentKeyId.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalStateException("a key id is at most 255 bytes");
        }
        this.currentKeyId = currentKeyId;
    }

    /**
     * A cipher from configuration as it is written: {@code id:base64-key}, comma-separated, and the id of the key that
     * seals (blank: the first one).
     *
     * @param setting what the error names when the keys are missing or badly written
     */
    public static EnvelopeCipher configured(String setting, String keys, String currentKeyId) {
        Map<String, String> byId = keysById(setting, keys);
        if (byId.isEmpty()) {
            throw new IllegalStateException(setting + " is not set: give at least one key as id:base64 (32 random bytes), e.g. "
                    + "from a Kubernetes Secret");
        }
        String current = currentKeyId == null || currentKeyId.isBlank() ? byId.keySet().iterator().next() : currentKeyId.trim();
        try {
            return new EnvelopeCipher(byId, current);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(setting + ": " + e.getMessage(), e);
        }
    }

    /** {@code id:base64, id:base64…} as key id to base64 key, in the order written. */
    public static Map<String, String> keysById(String setting, String keys) {
        Map<String, String> byId = new java.util.LinkedHashMap<>();
        for (String entry : (keys == null ? "" : keys).split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException(setting + ": write each key as id:base64");
            }
            byId.put(entry.substring(0, colon).trim(), entry.substring(colon + 1).trim());
        }
        return byId;
    }

    /** Seals {@code plain}, bound to {@code context}. */
    public Sealed seal(byte[] plain, String context) {
        try {
            byte[] dataKey = new byte[32];
            RANDOM.nextBytes(dataKey);
            byte[] wrapIv = random(IV_BYTES);
            byte[] keyId = currentKeyId.getBytes(StandardCharsets.UTF_8);
            byte[] wrapped = gcm(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), wrapIv, keyId, dataKey);
            byte[] dataIv = random(IV_BYTES);
            byte[] ciphertext = gcm(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), dataIv,
                    context.getBytes(StandardCharsets.UTF_8), plain);
            ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 1 + keyId.length + IV_BYTES + wrapped.length + IV_BYTES
                    + ciphertext.length);
            out.put(MAGIC).put((byte) keyId.length).put(keyId).put(wrapIv).put(wrapped).put(dataIv).put(ciphertext);
            return new Sealed(out.array(), currentKeyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt", e);
        }
    }

    /** @throws SecurityException when the bytes were changed, are bound to another context, or their key is unknown */
    public byte[] open(byte[] sealed, String context) {
        try {
            ByteBuffer in = ByteBuffer.wrap(sealed);
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new SecurityException("Not sealed by this cipher");
            }
            byte[] keyId = new byte[in.get() & 0xFF];
            in.get(keyId);
            SecretKeySpec key = keys.get(new String(keyId, StandardCharsets.UTF_8));
            if (key == null) {
                throw new SecurityException("Sealed with key " + new String(keyId, StandardCharsets.UTF_8)
                        + ", which is not configured");
            }
            byte[] wrapIv = new byte[IV_BYTES];
            in.get(wrapIv);
            byte[] wrapped = new byte[32 + TAG_BITS / 8];
            in.get(wrapped);
            byte[] dataIv = new byte[IV_BYTES];
            in.get(dataIv);
            byte[] ciphertext = new byte[in.remaining()];
            in.get(ciphertext);
            byte[] dataKey = gcm(Cipher.DECRYPT_MODE, key, wrapIv, keyId, wrapped);
            return gcm(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), dataIv, context.getBytes(StandardCharsets.UTF_8),
                    ciphertext);
        } catch (GeneralSecurityException | java.nio.BufferUnderflowException e) {
            throw new SecurityException("Does not open: changed, cut short, or bound to another context", e);
        }
    }

    private static byte[] gcm(int mode, SecretKeySpec key, byte[] iv, byte[] associated, byte[] input) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(associated);
        return cipher.doFinal(input);
    }

    private static byte[] random(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return random;
    }
}
