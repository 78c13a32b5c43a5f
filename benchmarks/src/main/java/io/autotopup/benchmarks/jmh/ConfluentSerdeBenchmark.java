package io.autotopup.benchmarks.jmh;

import io.autotopup.schemas.AvroSerde;
import io.autotopup.schemas.EventSchemas;
import io.autotopup.schemas.SchemaResolver;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import io.autotopup.schemas.WireFormat;
import java.io.IOException;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Our serde in Confluent's framing ({@code 00}, a schema id, Avro binary), on the topic of the catalogue that carries
 * the event, with the schema ids already learnt: what every record costs once a service runs (the registry is asked
 * once per id, never per record). Compared with {@link SerdeBenchmark}'s plain writer and reader on the same record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConfluentSerdeBenchmark {

    @Param({"UsageRecorded", "BalanceChanged", "TopUpRequested", "TopUpCompleted", "SmsRequested"})
    public String event;

    private AvroSerde<SpecificRecord> serde;
    private String topic;
    private SpecificRecord record;
    private byte[] framed;

    @Setup
    @SuppressWarnings("unchecked")
    public void prepare() throws IOException {
        EventSchemas.trustEventClasses();
        Class<? extends SpecificRecord> type = EventSchemas.EVENT_TYPES.stream()
                .filter(candidate -> candidate.getSimpleName().equals(event)).findFirst().orElseThrow();
        for (Topic<String, ?> candidate : Topics.ALL) {
            if (candidate.valueSerde() instanceof AvroSerde<?> carrying && carrying.types().contains(type)) {
                topic = candidate.name();
                serde = (AvroSerde<SpecificRecord>) carrying;
                break;
            }
        }
        record = SerdeBenchmark.sample(type, 42);
        Schema schema = record.getSchema();
        WireFormat.useRegistry(new SchemaResolver() {
            @Override
            public Schema schemaById(int id) {
                return schema;
            }

            @Override
            public OptionalInt idOf(String subject, Schema any) {
                return OptionalInt.of(7);
            }
        });
        framed = serde.serialize(topic, record);
        if (framed[0] != 0) {
            throw new IllegalStateException(event + " on " + topic + " was not written in Confluent's framing");
        }
    }

    @TearDown
    public void singleObjectAgain() {
        WireFormat.singleObject();
    }

    @Benchmark
    public byte[] confluentEncode() {
        return serde.serialize(topic, record);
    }

    @Benchmark
    public SpecificRecord confluentDecode() {
        return serde.deserialize(topic, framed);
    }
}
