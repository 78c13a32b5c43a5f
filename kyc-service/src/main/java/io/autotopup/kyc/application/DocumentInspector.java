package io.autotopup.kyc.application;

import io.autotopup.kyc.domain.FileKind;
import io.autotopup.kyc.domain.RejectedUpload;

/**
 * Looks at an uploaded file by its bytes: what it is, whether it can be read whole, whether it is safe; and gives back
 * what is to be stored, an image re-encoded without its EXIF and other metadata.
 */
public interface DocumentInspector {

    /** @throws RejectedUpload when the file is empty, not a JPEG, PNG or PDF, unreadable or unsafe */
    Inspected inspect(byte[] file);

    record Inspected(FileKind kind, byte[] stored) {
    }
}
