package io.autotopup.auth.adapter.out.kafka;

import io.autotopup.events.AuthorizationRecorded;
import io.autotopup.events.AuthorizationTokenRecorded;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The authorization server's state: its two compacted topics, each read whole by every instance into a store
 * (a global store), so that any instance finds any authorization and any token. The stores hold the topics'
 * records as they are; each update is noted in {@link AppliedOffsets}, so that a reader can wait for what was
 * written a moment ago, here or on another instance.
 */
public final class AuthorizationTopology {

    /** Authorization id to the authorization, as {@code auth-authorizations} holds it. */
    public static final String AUTHORIZATIONS_STORE = "auth-authorizations";
    /** Token hash to the authorization it belongs to, as {@code auth-tokens} holds it. */
    public static final String TOKENS_STORE = "auth-tokens";

    private AuthorizationTopology() {
    }

    public static StreamsBuilder build(StreamsBuilder builder, AppliedOffsets applied) {
        globalStore(builder, Topics.AUTH_AUTHORIZATIONS, AUTHORIZATIONS_STORE, applied);
        globalStore(builder, Topics.AUTH_TOKENS, TOKENS_STORE, applied);
        return builder;
    }

    private static <V> void globalStore(StreamsBuilder builder, Topic<String, V> topic, String store, AppliedOffsets applied) {
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
                        topic.valueSerde()).withLoggingDisabled(), topic.name(),
                Consumed.with(topic.keySerde(), topic.valueSerde()).withName(store + "-source"),
                () -> new Keeper<>(store, applied));
    }

    /** Puts each record in the store as it is (a tombstone removes), and notes how far it got. */
    private static final class Keeper<V> implements Processor<String, V, Void, Void> {
        private final String storeName;
        private final AppliedOffsets applied;
        private ProcessorContext<Void, Void> context;
        private KeyValueStore<String, V> store;

        Keeper(String storeName, AppliedOffsets applied) {
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

    /** Unused here; keeps the value types of the stores in view. */
    static final Class<?>[] VALUE_TYPES = {AuthorizationRecorded.class, AuthorizationTokenRecorded.class};
}
