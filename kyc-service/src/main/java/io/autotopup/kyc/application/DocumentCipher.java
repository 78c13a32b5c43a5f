package io.autotopup.kyc.application;

/**
 * Encrypts a document before it leaves the service and decrypts it for a reviewer: an envelope, a fresh data key per
 * object wrapped by a key from configuration, whose id travels with the object so that keys can be rotated.
 */
public interface DocumentCipher {

    /** The sealed bytes and the id of the key that wraps their data key; {@code context} is bound to them (the object key). */
    Sealed seal(byte[] plain, String context);

    /** @throws SecurityException when the bytes were changed, are bound to another context, or their key is unknown */
    byte[] open(byte[] sealed, String context);

    record Sealed(byte[] bytes, String keyId) {
    }
}
