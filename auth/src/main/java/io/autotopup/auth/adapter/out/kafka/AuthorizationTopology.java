package io.autotopup.auth.adapter.out.kafka;

import io.autotopup.platform.streams.LatestValueStore;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import org.apache.kafka.streams.StreamsBuilder;

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
        LatestValueStore.addGlobal(builder, topic, store, store + "-source", applied::applied);
    }
}
