package io.autotopup.notification.adapter.in.kafka;

import io.autotopup.notification.domain.QuietHours;
import io.autotopup.notification.domain.SmsHistory;
import io.autotopup.platform.streams.JsonSerde;
import io.autotopup.platform.streams.DeadLetters;
import io.autotopup.platform.streams.Routed;
import io.autotopup.schemas.AvroSerde;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Decides what to text: a credited top-up, a top-up that failed for good, a cap reached, auto top-up
 * disabled and a low balance each become one {@code SmsRequested} on {@code notifications}, rendered in the subscriber's language from this service's
 * copy of {@code subscribers}. The source event id of every text requested is kept, so a redelivered or
 * replayed event is never texted twice. The SMS itself is sent by {@link SmsRequestListener}.
 */
public final class NotificationTopology {

    /** Subscriber id to the latest subscriber record (MSISDN, language). */
    public static final String SUBSCRIBERS_STORE = "notification-subscribers";
    /** Source event ids already turned into a text. */
    public static final String TEXTED_STORE = "notification-texted";
    /** Non-urgent texts waiting out the quiet hours, keyed by when they may go ({@code millis|smsId}). */
    public static final String HELD_STORE = "notification-held";
    /** Subscriber id to the {@link io.autotopup.notification.domain.SmsHistory} of what was texted. */
    public static final String HISTORY_STORE = "notification-history";
    /** Top-up request id to the last 4 digits of the card charged, until its credit is texted. */
    public static final String CARDS_STORE = "notification-top-up-cards";

    private NotificationTopology() {
    }

    public static StreamsBuilder build(StreamsBuilder builder) {
        return build(builder, QuietHours.VIENTIANE);
    }

    public static StreamsBuilder build(StreamsBuilder builder, QuietHours quietHours) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SUBSCRIBERS_STORE),
                Serdes.String(), Topics.SUBSCRIBERS.valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TEXTED_STORE),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CARDS_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HELD_STORE),
                Serdes.String(), Topics.NOTIFICATIONS.valueSerde()));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HISTORY_STORE),
                Serdes.String(), new JsonSerde<>(SmsHistory.class)));
        builder.stream(Topics.NOTIFICATIONS.name(), Consumed.with(Topics.NOTIFICATIONS.keySerde(), Topics.NOTIFICATIONS.valueSerde())
                        .withName("notification-history-source"))
                .process(SmsHistoryProcessor::new, Named.as("notification-history"), HISTORY_STORE);

        KStream<String, Routed<SpecificRecord>> decided = stream(builder, Topics.SUBSCRIBERS)
                .merge(stream(builder, Topics.BALANCE_CHANGES), Named.as("notification-merge-balances"))
                .merge(stream(builder, Topics.TOP_UP_OUTCOMES), Named.as("notification-merge-outcomes"))
                .merge(stream(builder, Topics.AUTO_TOP_UP_NOTICES), Named.as("notification-merge-notices"))
                .merge(stream(builder, Topics.SUBSCRIBER_VERIFICATIONS), Named.as("notification-merge-verifications"))
                .merge(stream(builder, Topics.IDENTITY_DOCUMENTS), Named.as("notification-merge-identity"))
                .process(() -> new NotificationProcessor(quietHours), Named.as("notification-decide"), SUBSCRIBERS_STORE,
                        TEXTED_STORE, CARDS_STORE, HELD_STORE);
        DeadLetters.route(decided, AvroSerde.anyEvent(), "notification-decide")
                .to(Topics.NOTIFICATIONS.name(), Produced.with(Topics.NOTIFICATIONS.keySerde(),
                        Topics.NOTIFICATIONS.valueSerde()).withName("notification-sms-requested"));
        return builder;
    }

    private static <V extends SpecificRecord> KStream<String, SpecificRecord> stream(StreamsBuilder builder,
            Topic<String, V> topic) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde())
                        .withName("notification-" + topic.name()))
                .mapValues(value -> (SpecificRecord) value, Named.as("notification-" + topic.name() + "-as-record"));
    }
}
