package io.autotopup.platform.kafka;

import io.autotopup.schemas.Topic;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** A {@link KafkaTemplate} bound to one topic of the catalogue, with its serdes, idempotent and acks=all. */
public final class CatalogueTemplates {

    private CatalogueTemplates() {
    }

    public static <V> KafkaTemplate<String, V> forTopic(Topic<String, V> topic, KafkaProperties properties) {
        Map<String, Object> config = new HashMap<>(properties.buildProducerProperties());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        DefaultKafkaProducerFactory<String, V> factory = new DefaultKafkaProducerFactory<>(config,
                topic.keySerde().serializer(), topic.valueSerde().serializer());
        KafkaTemplate<String, V> template = new KafkaTemplate<>(factory);
        template.setDefaultTopic(topic.name());
        return template;
    }
}
