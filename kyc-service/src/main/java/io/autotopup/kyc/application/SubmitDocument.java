package io.autotopup.kyc.application;

import io.autotopup.kyc.domain.DocumentPage;
import io.autotopup.kyc.domain.DocumentType;
import io.autotopup.kyc.domain.IdentityDocument;
import io.autotopup.kyc.domain.KycRecord;
import io.autotopup.kyc.domain.RejectedUpload;
import io.autotopup.kyc.domain.Side;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A subscriber sends a document: the front, and the back if it has one, each at most {@value #MAX_BYTES} bytes, each a
 * JPEG, PNG or PDF by its bytes, readable and safe. Images are stored without their metadata, every file encrypted,
 * under a random key; then the event says where, with hashes and sizes. Nothing is stored unless every side passes,
 * and what was stored is deleted again if the event cannot be published.
 */
public final class SubmitDocument {

    public static final int MAX_BYTES = 5 * 1024 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DocumentInspector inspector;
    private final DocumentCipher cipher;
    private final DocumentStore store;
    private final KycEvents events;
    private final KycDirectory directory;
    private final Clock clock;

    public SubmitDocument(DocumentInspector inspector, DocumentCipher cipher, DocumentStore store, KycEvents events,
            KycDirectory directory, Clock clock) {
        this.inspector = inspector;
        this.cipher = cipher;
        this.store = store;
        this.events = events;
        this.directory = directory;
        this.clock = clock;
    }

    /** @param back null for a document with one side */
    public IdentityDocument submit(String subscriberId, DocumentType type, byte[] front, byte[] back) {
        if (front == null) {
            throw new RejectedUpload(RejectedUpload.Reason.INVALID, "front is required");
        }
        Map<Side, DocumentInspector.Inspected> inspected = new LinkedHashMap<>();
        inspected.put(Side.FRONT, inspect(Side.FRONT, front));
        if (back != null) {
            inspected.put(Side.BACK, inspect(Side.BACK, back));
        }
        List<DocumentPage> pages = new ArrayList<>();
        IdentityDocument document;
        try {
            inspected.forEach((side, file) -> {
                String objectKey = randomKey();
                DocumentCipher.Sealed sealed = cipher.seal(file.stored(), objectKey);
                store.put(objectKey, sealed.bytes());
                pages.add(new DocumentPage(side, objectKey, sha256(file.stored()), file.stored().length,
                        file.kind().contentType(), sealed.keyId()));
            });
            document = IdentityDocument.submitted("doc-" + UUID.randomUUID(), subscriberId, type, pages, clock.instant());
            KycRecord after = directory.record(subscriberId).with(document);
            events.submitted(document, after.status());
        } catch (RuntimeException e) {
            pages.forEach(page -> store.delete(page.objectKey()));
            throw e;
        }
        awaitListed(subscriberId, document.documentId());
        return document;
    }

    /**
     * Answers once this instance's directory lists the document (it reads the topic the event went to), so that the
     * page a subscriber is sent to after the upload shows it; at most {@link #READ_YOUR_WRITES}: the document is
     * accepted either way, and the list catches up.
     */
    private void awaitListed(String subscriberId, String documentId) {
        long deadline = System.nanoTime() + READ_YOUR_WRITES.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (directory.record(subscriberId).documents().stream().anyMatch(listed -> listed.documentId().equals(documentId))) {
                    return;
                }
            } catch (RuntimeException notReady) {
                // the store is being rebuilt (a rebalance): ask again
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static final java.time.Duration READ_YOUR_WRITES = java.time.Duration.ofSeconds(10);

    private DocumentInspector.Inspected inspect(Side side, byte[] file) {
        if (file.length == 0) {
            throw new RejectedUpload(RejectedUpload.Reason.EMPTY, side.name().toLowerCase() + " is empty");
        }
        if (file.length > MAX_BYTES) {
            throw new RejectedUpload(RejectedUpload.Reason.TOO_LARGE, side.name().toLowerCase() + " is larger than 5 MB");
        }
        return inspector.inspect(file);
    }

    /** 32 random bytes, hex: nothing in the key says whose it is or what it is. */
    private static String randomKey() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
