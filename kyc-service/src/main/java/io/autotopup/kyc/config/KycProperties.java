package io.autotopup.kyc.config;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * kyc-service's settings ({@code autotopup.kyc}).
 *
 * @param objectStore           where the encrypted images go
 * @param encryption            the keys that wrap each object's data key
 * @param retention             how long images are kept after their review
 * @param transactionIdPrefix   unique per instance (the pod name on Kubernetes)
 */
@ConfigurationProperties("autotopup.kyc")
public record KycProperties(ObjectStore objectStore, Encryption encryption, @DefaultValue Retention retention,
        @DefaultValue("kyc-service-") String transactionIdPrefix) {

    /**
     * @param endpoint             the S3 API's address; empty for AWS itself
     * @param createBucket         create the bucket at start if it is missing (a local store; a deployment has its own)
     * @param serverSideEncryption ask the store to encrypt at rest too (AWS S3, MinIO with KMS)
     */
    public record ObjectStore(String endpoint, @DefaultValue("us-east-1") String region, String accessKey, String secretKey,
            @DefaultValue("autotopup-identity-documents") String bucket, @DefaultValue("false") boolean createBucket,
            @DefaultValue("false") boolean serverSideEncryption) {
    }

    /**
     * @param keys         {@code id:base64-AES-256-key}, comma-separated; keep an old key here as long as objects wrapped
     *                     by it exist
     * @param currentKeyId the key new objects are wrapped with
     */
    public record Encryption(String keys, String currentKeyId) {

        public Map<String, String> keysById() {
            return io.autotopup.platform.security.EnvelopeCipher.keysById("autotopup.kyc.encryption.keys", keys);
        }
    }

    /**
     * @param afterApproval  an approved document's images are deleted this long after the approval
     * @param afterRejection a rejected one's this long after the rejection
     * @param checkEvery     how often the schedule looks for images that are due
     */
    public record Retention(@DefaultValue("90d") Duration afterApproval, @DefaultValue("30d") Duration afterRejection,
            @DefaultValue("1h") Duration checkEvery) {
    }
}
