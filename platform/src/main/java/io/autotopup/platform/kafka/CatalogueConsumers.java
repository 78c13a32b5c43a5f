package io.autotopup.platform.kafka;

import io.autotopup.schemas.Topic;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;

/**
 * A consumer factory for one topic of the catalogue: its serdes wrapped in {@link ErrorHandlingDeserializer}
 * (an undecodable record becomes a dead letter instead of a poison pill), read_committed, no auto-commit.
 *
 * <p>Its consumers rebalance cooperatively: when a member joins or one is found dead, the others keep reading the
 * partitions they keep, instead of all giving up every partition until the group has agreed again. With the
 * default (eager) protocol, a payment-service instance that came back after a {@code kill -9} stopped the other
 * instance's payments until the killed member's session had expired, 45 s later ({@code docs/reliability.md}).
 * Where an instance has a stable name ({@code INSTANCE_ID} on Kubernetes and in the soak),
 * {@code spring.kafka.consumer.properties.group.instance.id} makes it a static member: back from a crash, it takes its
 * partitions again at once, without a rebalance.
 */
public final class CatalogueConsumers {

    private CatalogueConsumers() {
    }

    public static <V> DefaultKafkaConsumerFactory<String, V> forTopic(Topic<String, V> topic, KafkaProperties properties) {
        Map<String, Object> config = new HashMap<>(properties.buildConsumerProperties());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        return new DefaultKafkaConsumerFactory<>(config,
                new ErrorHandlingDeserializer<>(topic.keySerde().deserializer()),
                new ErrorHandlingDeserializer<>(topic.valueSerde().deserializer()));
    }
}
