package io.autotopup.benchmarks.jmh;

import io.autotopup.schemas.AvroSerde;
import io.autotopup.schemas.EventSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Our serde (single-object encoding: header, fingerprint lookup, published-version resolution) against Avro's
 * plain {@code SpecificDatumWriter}/{@code SpecificDatumReader} on the same record, for every event of the
 * catalogue. The record is Avro's random data for the event's schema, read into the generated class.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerdeBenchmark {

    @Param({"UsageRecorded", "BalanceChanged", "SubscriberRegistered", "SubscriberUpdated", "VerificationCodeIssued",
            "VerificationAttemptFailed", "BalanceAdjustmentRequested", "AutoTopUpRuleSet", "PaymentMethodsChanged",
            "PaymentRecorded", "TopUpRequested", "TopUpCompleted", "TopUpFailed", "TopUpSkipped", "AutoTopUpDisabled",
            "LowBalanceWarning", "SmsRequested", "SmsSent", "SmsDeliveryReported"})
    public String event;

    private final AvroSerde<SpecificRecord> serde = AvroSerde.anyEvent();
    private SpecificRecord record;
    private byte[] singleObject;
    private byte[] plain;
    private SpecificDatumWriter<SpecificRecord> writer;
    private SpecificDatumReader<SpecificRecord> reader;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    @Setup
    public void prepare() throws IOException {
        EventSchemas.trustEventClasses();
        io.autotopup.schemas.WireFormat.singleObject();
        Class<? extends SpecificRecord> type = EventSchemas.EVENT_TYPES.stream()
                .filter(candidate -> candidate.getSimpleName().equals(event)).findFirst().orElseThrow();
        record = sample(type, 42);
        Schema schema = record.getSchema();
        writer = new SpecificDatumWriter<>(schema);
        reader = new SpecificDatumReader<>(schema);
        singleObject = serde.serialize("bench", record);
        plain = plainEncode();
    }

    /** A record of the type with Avro's random values (seeded), as the generated class. */
    public static SpecificRecord sample(Class<? extends SpecificRecord> type, long seed) throws IOException {
        Schema schema = EventSchemas.currentSchemaOf(type);
        Object generic = new RandomData(schema, 1, seed).iterator().next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<>(schema).write(generic, out);
        out.flush();
        return new SpecificDatumReader<SpecificRecord>(schema).read(null,
                DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    @Benchmark
    public byte[] serdeEncode() {
        return serde.serialize("bench", record);
    }

    @Benchmark
    public SpecificRecord serdeDecode() {
        return serde.deserialize("bench", singleObject);
    }

    @Benchmark
    public byte[] plainEncode() throws IOException {
        buffer.reset();
        encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
        writer.write(record, encoder);
        encoder.flush();
        return buffer.toByteArray();
    }

    @Benchmark
    public SpecificRecord plainDecode() throws IOException {
        decoder = DecoderFactory.get().binaryDecoder(plain, decoder);
        return reader.read(null, decoder);
    }
}
