package io.autotopup.platform.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How a card or wallet token is sealed on {@code payment-methods} ({@code PaymentMethod.sealedToken}): with
 * payment-service's {@link EnvelopeCipher}, bound to the subscriber and the method, so that it opens only as that
 * subscriber's method. Whoever imports methods onto the topic (a carrier's migration, the soak, the benchmarks) seals
 * them this way with the same key.
 */
public final class PaymentTokens {

    private final EnvelopeCipher cipher;

    public PaymentTokens(EnvelopeCipher cipher) {
        this.cipher = cipher;
    }

    public ByteBuffer seal(String subscriberId, String paymentMethodId, String token) {
        return ByteBuffer.wrap(cipher.seal(token.getBytes(StandardCharsets.UTF_8), context(subscriberId, paymentMethodId)).bytes());
    }

    /** @throws SecurityException when the value was changed, sealed for another subscriber or method, or with an unknown key */
    public String open(String subscriberId, String paymentMethodId, ByteBuffer sealed) {
        ByteBuffer copy = sealed.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(cipher.open(bytes, context(subscriberId, paymentMethodId)), StandardCharsets.UTF_8);
    }

    private static String context(String subscriberId, String paymentMethodId) {
        return "payment-token:" + subscriberId + ":" + paymentMethodId;
    }
}
