package io.autotopup.schemas;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Record headers that are part of the event contract, besides the event itself. Kafka Streams carries a
 * record's headers on to the records it causes, and the listeners copy them on, so a header set on a usage
 * event reaches the top-up request, its outcome and the SMS.
 */
public final class EventHeaders {

    /**
     * Set by {@code topupctl replay} (and by anyone replaying events) to {@code <topic>/<partition>/<offset>} of
     * the original record. payment-service and notification-service treat such records as a dry run: they
     * decide and record what they would do, but charge nothing and text no one, unless
     * {@code autotopup.replay.real-effects=true}.
     */
    public static final String REPLAYED_FROM = "replayed-from";

    /** {@code true} on what a service recorded instead of doing it (a top-up outcome no money moved for). */
    public static final String DRY_RUN = "autotopup-dry-run";

    private EventHeaders() {
    }

    /** Whether the record is a replay or was caused by one. */
    public static boolean isReplay(Headers headers) {
        return headers != null && (headers.lastHeader(REPLAYED_FROM) != null || isDryRun(headers));
    }

    /** Whether the record describes what would have happened, not what happened. */
    public static boolean isDryRun(Headers headers) {
        Header dryRun = headers == null ? null : headers.lastHeader(DRY_RUN);
        return dryRun != null && "true".equals(new String(dryRun.value(), StandardCharsets.UTF_8));
    }

    /** The value of a text header, or null. */
    public static String text(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
