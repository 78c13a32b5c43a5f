package io.autotopup.kyc.domain;

/**
 * One side of a document as stored: the object's random key, the SHA-256 and size of the (metadata-stripped) file
 * before encryption, its type, and the id of the key that encrypts it.
 */
public record DocumentPage(Side side, String objectKey, String sha256, long size, String contentType, String encryptionKeyId) {
}
