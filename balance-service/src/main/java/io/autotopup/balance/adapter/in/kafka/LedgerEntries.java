package io.autotopup.balance.adapter.in.kafka;

import io.autotopup.balance.domain.Balance;
import io.autotopup.events.BalanceChanged;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Every subscriber's ledger history as one small entry per applied change, in the store
 * {@link BalanceTopology#ENTRIES_STORE}: the key is the subscriber id, a zero byte and the change's version (8 bytes,
 * big-endian), so one subscriber's entries lie side by side in version order, and the newest N, or the N before a
 * version, are one range scan. An applied change appends one entry of about 60 bytes, whatever the length of the
 * history; the oldest entry beyond what the policy keeps is deleted by its key, never rewritten. The newest entry is
 * also the subscriber's balance and its version: no other store keeps them.
 *
 * <p>The value is binary: a format byte, then Avro's variable-length encoding of the fields (zig-zag longs and
 * length-prefixed UTF-8), without a schema on the wire, since nothing but this store reads it.
 */
public final class LedgerEntries {

    /** The format of a stored value; a new format takes a new number and this class reads both. */
    private static final byte FORMAT_1 = 1;
    private static final byte SEPARATOR = 0;

    /** One applied change as the history shows it. */
    public record Entry(long version, String reason, String description, String causationId, long amount,
            long balanceAfter, String currency, long occurredAt) {
    }

    private LedgerEntries() {
    }

    /** The store's key of one subscriber's entry at a version. */
    public static Bytes key(String subscriberId, long version) {
        byte[] id = subscriberId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(id.length + 1 + Long.BYTES).put(id).put(SEPARATOR).putLong(version).array());
    }

    /**
     * Up to {@code limit} entries of a subscriber, newest first, of versions below {@code before} (a cursor:
     * {@link Long#MAX_VALUE} for the newest). Entries of a history of the previous format that has not been moved yet
     * ({@link BalanceTopology#FORMER_HISTORY_STORE}) follow those of the store of entries, so a read in the moment
     * after an upgrade shows the same history as one after the move.
     */
    public static List<Entry> page(ReadOnlyKeyValueStore<Bytes, Entry> store, ReadOnlyKeyValueStore<String, LedgerHistory> former,
            String subscriberId, long before, int limit) {
        List<Entry> page = page(store, subscriberId, before, limit);
        LedgerHistory unmoved = page.size() < limit ? former.get(subscriberId) : null;
        if (unmoved != null) {
            long below = page.isEmpty() ? before : page.get(page.size() - 1).version();
            unmoved.latest(LedgerHistory.KEPT).stream().filter(entry -> entry.version() < below).limit(limit - page.size())
                    .forEach(entry -> page.add(of(entry)));
        }
        return page;
    }

    /**
     * A subscriber's balance: that after their newest entry; for state written before the store of entries and not
     * moved yet, the last {@code BalanceChanged} that version kept in {@code balances}; empty before any change.
     */
    public static Optional<Balance> balance(ReadOnlyKeyValueStore<Bytes, Entry> store,
            ReadOnlyKeyValueStore<String, BalanceChanged> balances, String subscriberId) {
        List<Entry> newest = page(store, subscriberId, Long.MAX_VALUE, 1);
        if (!newest.isEmpty()) {
            Entry entry = newest.get(0);
            return Optional.of(new Balance(entry.balanceAfter(), entry.currency(), entry.version()));
        }
        BalanceChanged last = balances.get(subscriberId);
        return last == null ? Optional.empty() : Optional.of(new Balance(last.getNewBalance().getMinorUnits(),
                last.getNewBalance().getCurrency(), last.getVersion()));
    }

    /** Up to {@code limit} entries of versions below {@code before}, newest first, from the store of entries alone. */
    private static List<Entry> page(ReadOnlyKeyValueStore<Bytes, Entry> store, String subscriberId, long before, int limit) {
        List<Entry> page = new ArrayList<>(Math.min(limit, 128));
        if (before <= 0) {
            return page;
        }
        try (KeyValueIterator<Bytes, Entry> entries = store.reverseRange(key(subscriberId, 0), key(subscriberId, before - 1))) {
            while (entries.hasNext() && page.size() < limit) {
                page.add(entries.next().value);
            }
        }
        return page;
    }

    /** An entry of the previous format as an entry of this one. */
    static Entry of(LedgerHistory.Entry former) {
        return new Entry(former.version(), former.reason(), former.description(), former.causationId(), former.amount(),
                former.balanceAfter(), former.currency(), former.occurredAt());
    }

    /** The store's value serde: the binary format above. */
    public static Serde<Entry> serde() {
        return Serdes.serdeFrom(new EntrySerializer(), new EntryDeserializer());
    }

    private static final class EntrySerializer implements Serializer<Entry> {
        private final ThreadLocal<Buffer> buffers = ThreadLocal.withInitial(Buffer::new);

        @Override
        public byte[] serialize(String topic, Entry entry) {
            if (entry == null) {
                return null;
            }
            Buffer buffer = buffers.get();
            buffer.reset();
            buffer.write(FORMAT_1);
            try {
                BinaryEncoder encoder = buffer.encoder = EncoderFactory.get().directBinaryEncoder(buffer, buffer.encoder);
                encoder.writeLong(entry.version());
                encoder.writeString(entry.reason());
                encoder.writeString(entry.description());
                encoder.writeString(entry.causationId());
                encoder.writeLong(entry.amount());
                encoder.writeLong(entry.balanceAfter());
                encoder.writeString(entry.currency());
                encoder.writeLong(entry.occurredAt());
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return buffer.toByteArray();
        }
    }

    private static final class EntryDeserializer implements Deserializer<Entry> {
        private final ThreadLocal<BinaryDecoder[]> decoders = ThreadLocal.withInitial(() -> new BinaryDecoder[1]);

        @Override
        public Entry deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            if (data.length == 0 || data[0] != FORMAT_1) {
                throw new IllegalArgumentException("not a ledger entry of a known format: first byte "
                        + (data.length == 0 ? "missing" : Byte.toString(data[0])));
            }
            BinaryDecoder[] reuse = decoders.get();
            BinaryDecoder decoder = reuse[0] = DecoderFactory.get().binaryDecoder(data, 1, data.length - 1, reuse[0]);
            try {
                return new Entry(decoder.readLong(), decoder.readString(), decoder.readString(), decoder.readString(),
                        decoder.readLong(), decoder.readLong(), decoder.readString(), decoder.readLong());
            } catch (IOException e) {
                throw new IllegalArgumentException("a ledger entry cut short: " + Arrays.toString(data), e);
            }
        }
    }

    /** A byte stream whose buffer is reused from entry to entry. */
    private static final class Buffer extends ByteArrayOutputStream {
        private BinaryEncoder encoder;

        Buffer() {
            super(128);
        }
    }
}
