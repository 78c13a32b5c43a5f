package io.autotopup.kyc.adapter.out.crypto;

import io.autotopup.kyc.application.DocumentCipher;
import io.autotopup.platform.security.EnvelopeCipher;
import java.util.Map;

/** Documents sealed with the platform's {@link EnvelopeCipher}, bound to their object key. */
public final class EnvelopeDocumentCipher implements DocumentCipher {

    private final EnvelopeCipher envelope;

    /**
     * @param keys         key id to a base64 AES-256 key: the current one and every older one still to be read
     * @param currentKeyId the key new objects are wrapped with
     */
    public EnvelopeDocumentCipher(Map<String, String> keys, String currentKeyId) {
        try {
            this.envelope = new EnvelopeCipher(keys, currentKeyId);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("autotopup.kyc.encryption: " + e.getMessage(), e);
        }
    }

    @Override
    public Sealed seal(byte[] plain, String context) {
        EnvelopeCipher.Sealed sealed = envelope.seal(plain, context);
        return new Sealed(sealed.bytes(), sealed.keyId());
    }

    @Override
    public byte[] open(byte[] sealed, String context) {
        return envelope.open(sealed, context);
    }
}
