package io.autotopup.platform.logging;

import io.autotopup.platform.Msisdns;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.json.JsonWriter.ValueProcessor;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * The last line of defence for structured logs: every string a JSON log line carries (message, exception,
 * MDC, key-value pairs) has its E.164 numbers masked, so a phone number a log call forgot to mask still
 * never reaches the log store.
 */
public class MaskingJsonMembersCustomizer implements StructuredLoggingJsonMembersCustomizer<Object> {

    @Override
    public void customize(JsonWriter.Members<Object> members) {
        members.applyingValueProcessor(ValueProcessor.of(String.class, Msisdns::maskWithin));
    }
}
