package io.autotopup.platform.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Traces Kafka Streams hops the way spring-kafka traces listeners and templates: the trace context comes in
 * with a record's headers ({@code traceparent}), the service opens a span for the record, and the records it
 * writes carry that span on. So one usage event's trace runs through balance-service and rule-engine-service
 * (Kafka Streams) into payment-service and notification-service (listeners) and ends at the SMS.
 */
public final class StreamsTracing {

    private final Tracer tracer;
    private final Propagator propagator;
    private final String applicationId;
    /** The headers the propagator reads: asked once, since the propagator copies them into a new list each time. */
    private final Set<String> fields;

    /**
     * @param tracer        the tracer (OpenTelemetry through Micrometer Tracing)
     * @param propagator    reads and writes the trace context in headers (W3C trace context by default)
     * @param applicationId the Kafka Streams application id, a tag of every span
     */
    public StreamsTracing(Tracer tracer, Propagator propagator, String applicationId) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.applicationId = applicationId;
        this.fields = Set.copyOf(propagator.fields());
    }

    public Tracer tracer() {
        return tracer;
    }

    /** The W3C header, e.g. {@code 00-<32 hex trace id>-<16 hex span id>-01}; the last two digits are the flags. */
    private static final String TRACEPARENT = "traceparent";
    private static final int TRACEPARENT_LENGTH = 55;

    private static final Propagator.Getter<Headers> GETTER = (headers, key) -> {
        Header header = headers.lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    };

    private static final Propagator.Setter<Headers> SETTER = (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };

    /**
     * The header that carries "not sampled" with a record that came without a trace context: the decision is made
     * once, at the first processor the record reaches, and every processor after it, on this or another
     * sub-topology (through a repartition topic) or in the next service, keeps it instead of rolling the dice again.
     * Empty, so that it costs a few bytes in a compressed batch; a {@code traceparent} of a sampled trace wins over it.
     */
    public static final String UNSAMPLED = "autotopup-unsampled";
    private static final byte[] EMPTY = new byte[0];

    /** Whether any header is one the propagator reads (a trace context or baggage, in whichever format it knows). */
    private boolean carriesContext(Headers headers) {
        for (Header header : headers) {
            if (fields.contains(header.key())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a span is open on this thread: the record is already being traced by an upstream processor. */
    boolean inSpan() {
        return tracer.currentSpan() != null;
    }

    /**
     * Opens the span of one record, the child of the context its headers carry (a new trace if none), and puts
     * the new span into the headers so that every record forwarded from it names it as parent.
     *
     * @return the span, or null when the trace is not sampled: nothing would be recorded, so nothing is built;
     *         a trace id that came in travels on as it came, and a record that came without one is marked
     *         {@link #UNSAMPLED}
     */
    Span open(String processor, Headers headers, RecordMetadata metadata) {
        Header traceparent = headers.lastHeader(TRACEPARENT);
        if (traceparent == null ? headers.lastHeader(UNSAMPLED) != null : traceparent.value() != null
                && traceparent.value().length == TRACEPARENT_LENGTH && traceparent.value()[TRACEPARENT_LENGTH - 1] == '0'
                && traceparent.value()[TRACEPARENT_LENGTH - 2] == '0') {
            return null;
        }
        // the sampler decides on the trace id and the parent alone: the name and the tags are given to a sampled span
        // only, after the decision (built for every record, they were about a tenth of the stream thread's time), and
        // a record that carries no propagation header at all (a carrier's usage, mostly) is not run through the
        // propagators to find that out
        Span.Builder builder = carriesContext(headers) ? propagator.extract(headers, GETTER) : tracer.spanBuilder().setNoParent();
        Span span = builder.kind(Span.Kind.CONSUMER).start();
        if (span.isNoop()) {
            // not sampled (most records of a busy service): said once, for every processor and service after this one;
            // a context that came in travels on as it came
            span.end();
            if (traceparent == null) {
                headers.add(UNSAMPLED, EMPTY);
            }
            return null;
        }
        span.name(metadata == null ? applicationId + " " + processor : "process " + metadata.topic())
                .tag("kafka.streams.application.id", applicationId).tag("kafka.streams.processor", processor);
        if (metadata != null) {
            span.tag("messaging.system", "kafka").tag("messaging.source.name", metadata.topic())
                    .tag("messaging.kafka.partition", Integer.toString(metadata.partition()))
                    .tag("messaging.kafka.offset", Long.toString(metadata.offset()));
        }
        propagator.inject(span.context(), headers, SETTER);
        return span;
    }
}
