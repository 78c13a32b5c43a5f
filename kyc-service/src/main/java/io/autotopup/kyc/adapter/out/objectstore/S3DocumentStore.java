package io.autotopup.kyc.adapter.out.objectstore;

import io.autotopup.kyc.application.DocumentStore;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Documents in one bucket of any S3-compatible store (AWS S3, MinIO, Ceph RGW; S3Proxy on the devstack and in the
 * tests), through the AWS SDK. The objects are encrypted before they get here; the store's own encryption, where it
 * has one, is asked for too.
 */
public final class S3DocumentStore implements DocumentStore, AutoCloseable {

    private final S3Client s3;
    private final String bucket;
    private final boolean serverSideEncryption;

    /**
     * @param endpoint             null for AWS itself, else the store's address (path-style addressing)
     * @param serverSideEncryption ask the store to encrypt at rest as well (AWS S3, MinIO with KMS); S3Proxy has none
     */
    public S3DocumentStore(String endpoint, String region, String accessKey, String secretKey, String bucket,
            boolean serverSideEncryption) {
        var builder = S3Client.builder().region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                // checksums only where S3 requires them: not every S3-compatible store knows the newer ones
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
        }
        this.s3 = builder.build();
        this.bucket = bucket;
        this.serverSideEncryption = serverSideEncryption;
    }

    /** Creates the bucket if it is not there (the devstack's, a test's); a deployment's exists already. */
    public void createBucketIfMissing() {
        try {
            s3.createBucket(request -> request.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // there already
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() != 409) {
                throw e;
            }
        }
    }

    @Override
    public void put(String objectKey, byte[] bytes) {
        s3.putObject(request -> {
            request.bucket(bucket).key(objectKey).contentType("application/octet-stream");
            if (serverSideEncryption) {
                request.serverSideEncryption(ServerSideEncryption.AES256);
            }
        }, RequestBody.fromBytes(bytes));
    }

    @Override
    public Optional<byte[]> get(String objectKey) {
        try {
            ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(request -> request.bucket(bucket).key(objectKey));
            return Optional.of(object.asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String objectKey) {
        s3.deleteObject(request -> request.bucket(bucket).key(objectKey));
    }

    @Override
    public void close() {
        s3.close();
    }
}
