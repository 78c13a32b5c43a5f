package io.autotopup.platform.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How many records a topology traces at a 10% sampling rate, when records come without a trace context (as
 * carriers' usage does): each record's sampling is decided once, at the first processor it reaches, and holds
 * for every processor after it, across a repartition topic, and for records a processor makes with headers of
 * their own. Before, every processor of an unsampled record rolled the dice again, and a topology of many
 * processors traced most records. Seeded; the seed is printed.
 */
class TracingProcessorWrapperTest {

    private static final int RECORDS = 2_000;
    private static final double RATE = 0.1;

    private final List<SpanData> ended = new CopyOnWriteArrayList<>();
    private SdkTracerProvider provider;
    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void a_record_without_a_trace_context_is_sampled_once_for_the_whole_topology() {
        long seed = System.nanoTime();
        System.out.println("TracingProcessorWrapperTest seed: " + seed);
        start(seed);
        TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
        for (int i = 0; i < RECORDS; i++) {
            in.pipeInput("msisdn-" + i, "subscriber-" + i);
        }

        Map<String, List<SpanData>> traces = ended.stream().collect(Collectors.groupingBy(SpanData::getTraceId));
        assertThat(traces.size()).as("records traced out of " + RECORDS + " at " + RATE + " (seed " + seed + ")")
                .isBetween((int) (RECORDS * RATE * 0.5), (int) (RECORDS * RATE * 1.6));
        assertThat(traces.values()).as("a sampled record is one trace, with one span on each side of the repartition "
                + "(seed " + seed + ")").allSatisfy(spans -> assertThat(spans).extracting(span ->
                        span.getAttributes().asMap().entrySet().stream().filter(attribute -> attribute.getKey().getKey()
                                .equals("kafka.streams.processor")).map(attribute -> attribute.getValue().toString()).findFirst()
                                .orElseThrow())
                .containsExactlyInAnyOrder("first", "after-repartition"));

        TestOutputTopic<String, String> out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
        List<TestRecord<String, String>> written = out.readRecordsToList();
        assertThat(written).hasSize(RECORDS);
        Set<String> sampledTraces = traces.keySet();
        for (TestRecord<String, String> record : written) {
            Header traceparent = record.headers().lastHeader("traceparent");
            if (traceparent != null) {
                String traceId = new String(traceparent.value(), StandardCharsets.UTF_8).split("-")[1];
                assertThat(sampledTraces).as("the output names its record's trace").contains(traceId);
                assertThat(record.headers().lastHeader(StreamsTracing.UNSAMPLED)).isNull();
            } else {
                assertThat(record.headers().lastHeader(StreamsTracing.UNSAMPLED))
                        .as("an unsampled record says so to the next service").isNotNull();
            }
        }
        assertThat(written.stream().filter(record -> record.headers().lastHeader("traceparent") != null).count())
                .isEqualTo(traces.size());
    }

    @Test
    void a_record_that_comes_sampled_is_traced_and_one_that_comes_unsampled_is_not() {
        start(42);
        TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        for (int i = 0; i < 50; i++) {
            TestRecord<String, String> sampled = new TestRecord<>("msisdn-s" + i, "subscriber-s" + i);
            sampled.headers().add("traceparent", ("00-" + traceId + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));
            in.pipeInput(sampled);
            TestRecord<String, String> unsampled = new TestRecord<>("msisdn-u" + i, "subscriber-u" + i);
            unsampled.headers().add("traceparent", ("00-" + "a".repeat(32) + "-00f067aa0ba902b7-00").getBytes(StandardCharsets.UTF_8));
            in.pipeInput(unsampled);
        }

        assertThat(ended).as("a carrier's sampled context is kept: each of its records traced on both sides").hasSize(100)
                .allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(traceId));
    }

    private void start(long seed) {
        Random random = new Random(seed);
        provider = SdkTracerProvider.builder()
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(RATE)))
                .setIdGenerator(new IdGenerator() {
                    @Override
                    public String generateSpanId() {
                        return SpanId.fromLong(random.nextLong());
                    }

                    @Override
                    public String generateTraceId() {
                        return TraceId.fromLongs(random.nextLong(), random.nextLong());
                    }
                })
                .addSpanProcessor(SimpleSpanProcessor.create(new Collecting()))
                .build();
        io.opentelemetry.api.trace.Tracer otel = provider.get("test");
        OtelTracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> { });
        OtelPropagator propagator = new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);

        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "tracing-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, TracingProcessorWrapper.class);
        config.put(TracingProcessorWrapper.TRACING_CONFIG, new StreamsTracing(tracer, propagator, "tracing-test"));
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(config)));
        KStream<String, String> repartitioned = builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .process(Passing::new, Named.as("first"))
                .mapValues(value -> value, Named.as("second"))
                .filter((key, value) -> true, Named.as("third"))
                .selectKey((key, value) -> value, Named.as("rekey"))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.String()).withName("by-subscriber"))
                .process(Passing::new, Named.as("after-repartition"));
        repartitioned.mapValues(value -> value, Named.as("last"))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        // a record made anew, with headers of its own, inside the record's processing
        repartitioned.process(FreshRecord::new, Named.as("fresh"))
                .mapValues(value -> value, Named.as("after-fresh"))
                .to("side", Produced.with(Serdes.String(), Serdes.String()));
        driver = new TopologyTestDriver(builder.build(), config);
    }

    private static final class Passing implements Processor<String, String, String, String> {
        private ProcessorContext<String, String> context;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, String> record) {
            context.forward(record);
        }
    }

    /** Forwards a record of its own, with no headers, as a processor that builds its output does. */
    private static final class FreshRecord implements Processor<String, String, String, String> {
        private ProcessorContext<String, String> context;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, String> record) {
            context.forward(new Record<>(record.key(), record.value(), record.timestamp()));
        }
    }

    private final class Collecting implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            ended.addAll(new ArrayList<>(spans));
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
