package io.autotopup.platform.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.api.WrappedFixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.WrappedProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Kafka Streams' processor wrapper ({@code processor.wrapper.class}, KIP-1112) that traces each record a
 * topology processes: the first processor a record reaches opens one span for it (see {@link StreamsTracing});
 * the processors it forwards to run inside that span. Registered by the platform when a tracer exists; the
 * {@link StreamsTracing} comes through the Streams configuration under {@link #TRACING_CONFIG}.
 */
public final class TracingProcessorWrapper implements ProcessorWrapper {

    /** The Streams configuration key under which the platform passes the {@link StreamsTracing}. */
    public static final String TRACING_CONFIG = "autotopup.streams.tracing";

    /** Whether the record this thread is processing was found not sampled by an upstream processor. */
    private static final ThreadLocal<boolean[]> UNSAMPLED_HERE = ThreadLocal.withInitial(() -> new boolean[1]);

    private StreamsTracing tracing;

    @Override
    public void configure(Map<String, ?> configs) {
        tracing = (StreamsTracing) configs.get(TRACING_CONFIG);
    }

    @Override
    public <KIn, VIn, KOut, VOut> WrappedProcessorSupplier<KIn, VIn, KOut, VOut> wrapProcessorSupplier(String name,
            ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
        if (tracing == null) {
            return ProcessorWrapper.asWrapped(supplier);
        }
        return ProcessorWrapper.asWrapped(new ProcessorSupplier<>() {
            @Override
            public Processor<KIn, VIn, KOut, VOut> get() {
                return new TracedProcessor<>(name, supplier.get());
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return supplier.stores();
            }
        });
    }

    @Override
    public <KIn, VIn, VOut> WrappedFixedKeyProcessorSupplier<KIn, VIn, VOut> wrapFixedKeyProcessorSupplier(String name,
            FixedKeyProcessorSupplier<KIn, VIn, VOut> supplier) {
        if (tracing == null) {
            return ProcessorWrapper.asWrappedFixedKey(supplier);
        }
        return ProcessorWrapper.asWrappedFixedKey(new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<KIn, VIn, VOut> get() {
                return new TracedFixedKeyProcessor<>(name, supplier.get());
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return supplier.stores();
            }
        });
    }

    /**
     * Runs {@code work} in the record's span, opening one unless an upstream processor already did, or already found
     * that the record is not sampled: the processors a record is forwarded to run inside this call, on this thread,
     * so that decision holds for them too, even for a record they make with headers of its own.
     */
    private void traced(String name, Headers headers, Optional<RecordMetadata> metadata, Runnable work) {
        if (UNSAMPLED_HERE.get()[0] || tracing.inSpan()) {
            work.run();
            return;
        }
        Span span = tracing.open(name, headers, metadata.orElse(null));
        if (span == null) {
            boolean[] unsampled = UNSAMPLED_HERE.get();
            unsampled[0] = true;
            try {
                work.run();
            } finally {
                unsampled[0] = false;
            }
            return;
        }
        try (Tracer.SpanInScope scope = tracing.tracer().withSpan(span)) {
            work.run();
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private final class TracedProcessor<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
        private final String name;
        private final Processor<KIn, VIn, KOut, VOut> delegate;
        private ProcessorContext<KOut, VOut> context;

        TracedProcessor(String name, Processor<KIn, VIn, KOut, VOut> delegate) {
            this.name = name;
            this.delegate = delegate;
        }

        @Override
        public void init(ProcessorContext<KOut, VOut> context) {
            this.context = context;
            delegate.init(context);
        }

        @Override
        public void process(Record<KIn, VIn> record) {
            traced(name, record.headers(), context.recordMetadata(), () -> delegate.process(record));
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private final class TracedFixedKeyProcessor<KIn, VIn, VOut> implements FixedKeyProcessor<KIn, VIn, VOut> {
        private final String name;
        private final FixedKeyProcessor<KIn, VIn, VOut> delegate;
        private FixedKeyProcessorContext<KIn, VOut> context;

        TracedFixedKeyProcessor(String name, FixedKeyProcessor<KIn, VIn, VOut> delegate) {
            this.name = name;
            this.delegate = delegate;
        }

        @Override
        public void init(FixedKeyProcessorContext<KIn, VOut> context) {
            this.context = context;
            delegate.init(context);
        }

        @Override
        public void process(FixedKeyRecord<KIn, VIn> record) {
            traced(name, record.headers(), context.recordMetadata(), () -> delegate.process(record));
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
