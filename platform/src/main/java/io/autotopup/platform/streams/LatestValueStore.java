package io.autotopup.platform.streams;

import io.autotopup.schemas.Topic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A global store of a compacted topic's latest value per key, as the topic holds it (a tombstone removes the key):
 * every instance reads the whole topic, so any instance answers for any key.
 */
public final class LatestValueStore {

    /** Told the position of each record once it is in the store. */
    @FunctionalInterface
    public interface Applied {
        void applied(String topic, int partition, long offset);
    }

    private LatestValueStore() {
    }

    /** Adds the store {@code store}, read from {@code topic} by the source named {@code sourceName}. */
    public static <V> void addGlobal(StreamsBuilder builder, Topic<String, V> topic, String store, String sourceName) {
        addGlobal(builder, topic, store, sourceName, (name, partition, offset) -> { });
    }

    /** The same, telling {@code applied} how far it got after each record. */
    public static <V> void addGlobal(StreamsBuilder builder, Topic<String, V> topic, String store, String sourceName, Applied applied) {
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
                        topic.valueSerde()).withLoggingDisabled(), topic.name(),
                Consumed.with(topic.keySerde(), topic.valueSerde()).withName(sourceName),
                () -> new Keeper<>(store, applied));
    }

    private static final class Keeper<V> implements Processor<String, V, Void, Void> {
        private final String storeName;
        private final Applied applied;
        private ProcessorContext<Void, Void> context;
        private KeyValueStore<String, V> store;

        Keeper(String storeName, Applied applied) {
            this.storeName = storeName;
            this.applied = applied;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<String, V> record) {
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
            context.recordMetadata().ifPresent(meta -> applied.applied(meta.topic(), meta.partition(), meta.offset()));
        }
    }
}
