package io.autotopup.kyc.application;

import java.util.Optional;

/** Where the (encrypted) images are kept: an S3-compatible object store. */
public interface DocumentStore {

    void put(String objectKey, byte[] bytes);

    Optional<byte[]> get(String objectKey);

    /** Deletes the object; deleting one that is gone is not an error. */
    void delete(String objectKey);
}
