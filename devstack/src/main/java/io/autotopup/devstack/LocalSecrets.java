package io.autotopup.devstack;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.UUID;

/**
 * The local stack's secrets, made once and kept with its data (owner-only files): the authorization server's
 * signing key (a JWK set), the secrets of its machine clients, the key of the identity documents and the key that seals payment tokens. For this laptop only; a deployment takes them
 * from a Kubernetes Secret.
 */
record LocalSecrets(Path signingKeys, String topupctlSecret, String portalSecret, String carrierSecret, String documentKey,
        String paymentTokenKey) {

    static LocalSecrets in(Path dataDir) throws IOException {
        Path keys = dataDir.resolve("auth-signing-keys.json");
        if (!Files.exists(keys)) {
            write(keys, jwkSet());
        }
        return new LocalSecrets(keys, secret(dataDir.resolve("topupctl-client-secret")),
                secret(dataDir.resolve("portal-client-secret")), secret(dataDir.resolve("carrier-client-secret")),
                aesKey(dataDir.resolve("document-key")), aesKey(dataDir.resolve("payment-token-key")));
    }

    /** An AES-256 key that wraps data keys (the identity documents', the payment tokens'), base64. */
    private static String aesKey(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            write(file, Base64.getEncoder().encodeToString(key));
        }
        return Files.readString(file).trim();
    }

    private static String secret(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            write(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        }
        return Files.readString(file).trim();
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without owner-only permissions
        }
    }

    /** One RSA 2048 key with its private parts, as a JWK set (RFC 7517), with a key id of its own. */
    private static String jwkSet() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
            RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) pair.getPrivate();
            return "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"devstack-" + UUID.randomUUID() + "\","
                    + "\"n\":\"" + b64(publicKey.getModulus()) + "\",\"e\":\"" + b64(publicKey.getPublicExponent()) + "\","
                    + "\"d\":\"" + b64(privateKey.getPrivateExponent()) + "\",\"p\":\"" + b64(privateKey.getPrimeP()) + "\","
                    + "\"q\":\"" + b64(privateKey.getPrimeQ()) + "\",\"dp\":\"" + b64(privateKey.getPrimeExponentP()) + "\","
                    + "\"dq\":\"" + b64(privateKey.getPrimeExponentQ()) + "\",\"qi\":\"" + b64(privateKey.getCrtCoefficient()) + "\"}]}";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned big-endian integer, base64url without padding, as JWK wants it. */
    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
