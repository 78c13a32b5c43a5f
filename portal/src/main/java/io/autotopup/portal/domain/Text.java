package io.autotopup.portal.domain;

import java.time.Instant;

/** A text message sent to the subscriber, as they received it. */
public record Text(String smsId, String messageType, String language, String text, Instant requestedAt, String status) {
}
