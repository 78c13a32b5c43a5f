package io.autotopup.kyc.domain;

import java.util.Optional;

/** The files a document may be sent as, told apart by their first bytes, never by a name or a declared type. */
public enum FileKind {
    JPEG("image/jpeg"), PNG("image/png"), PDF("application/pdf");

    private final String contentType;

    FileKind(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /** JPEG starts FF D8 FF, PNG with its 8-byte signature, PDF with {@code %PDF-}; anything else is none of them. */
    public static Optional<FileKind> of(byte[] bytes) {
        if (startsWith(bytes, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(bytes, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(bytes, '%', 'P', 'D', 'F', '-')) {
            return Optional.of(PDF);
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
