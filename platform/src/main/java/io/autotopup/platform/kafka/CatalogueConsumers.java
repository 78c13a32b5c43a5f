package io.autotopup.platform.kafka;

import io.autotopup.schemas.Topic;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * A consumer factory for one topic of the catalogue: its serdes wrapped in {@link ErrorHandlingDeserializer}
 * (an undecodable record becomes a dead letter instead of a poison pill), read_committed, no auto-commit.
 */
public final class CatalogueConsumers {

    private CatalogueConsumers() {
    }

    public static <V> DefaultKafkaConsumerFactory<String, V> forTopic(Topic<String, V> topic, KafkaProperties properties) {
        Map<String, Object> config = new HashMap<>(properties.buildConsumerProperties());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new DefaultKafkaConsumerFactory<>(config,
                new ErrorHandlingDeserializer<>(topic.keySerde().deserializer()),
                new ErrorHandlingDeserializer<>(topic.valueSerde().deserializer()));
    }
}
