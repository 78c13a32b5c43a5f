package io.autotopup.portal.domain;

/** A file the subscriber picked: its name and content type as the browser said, and its bytes. */
public record Upload(String filename, String contentType, byte[] bytes) {
}
