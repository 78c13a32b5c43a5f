package io.autotopup.platform.kafka;

import io.autotopup.schemas.Topic;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.transaction.KafkaTransactionManager;

/**
 * Consume-process-produce in one Kafka transaction: the listener's output and its consumed offsets commit
 * together, or not at all. A service declares the producer factory of its output topic, a
 * {@link KafkaTransactionManager} on it, and the container factory of its input topic. The transactional id
 * prefix must be unique per instance (exactly-once v2 fences zombies through the consumer group, not the
 * id); an instance whose producer is fenced stops its listeners, its health goes DOWN, and the instance
 * that took the partitions over processes what the zombie could not commit.
 */
public final class TransactionalListeners {

    private TransactionalListeners() {
    }

    /** A transactional, idempotent producer factory for an output topic of the catalogue. */
    public static <V> DefaultKafkaProducerFactory<String, V> producerFactory(Topic<String, V> output,
            KafkaProperties properties, String transactionIdPrefix) {
        return producerFactory(output.valueSerde().serializer(), properties, transactionIdPrefix);
    }

    /** A transactional, idempotent producer factory for several output topics (e.g. {@code AvroSerde.anyEvent()}). */
    public static <V> DefaultKafkaProducerFactory<String, V> producerFactory(Serializer<V> values,
            KafkaProperties properties, String transactionIdPrefix) {
        Map<String, Object> config = new HashMap<>(properties.buildProducerProperties());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        DefaultKafkaProducerFactory<String, V> factory = new DefaultKafkaProducerFactory<>(config,
                new StringSerializer(), values);
        factory.setTransactionIdPrefix(transactionIdPrefix);
        return factory;
    }

    /**
     * The template a listener writes its results with, inside the listener's transaction. Observed: each record
     * it writes carries the listener's span on, so a trace goes on to the next service.
     */
    public static <V> KafkaTemplate<String, V> template(DefaultKafkaProducerFactory<String, V> transactionalFactory) {
        KafkaTemplate<String, V> template = new KafkaTemplate<>(transactionalFactory);
        template.setObservationEnabled(true);
        return template;
    }

    /**
     * The listener container factory of an input topic of the catalogue, for a listener that takes each poll's records
     * in one of the manager's transactions through a {@link TransactionalBatch}: a batch listener with manual
     * acknowledgement (so that it can commit the records before one that must wait), whose records are observed one by
     * one by the {@link TransactionalBatch}, each a span that is the child of the trace its headers carry. After a
     * rollback the whole batch is read again after {@code afterRollback}'s back-off; the batch itself dead-letters.
     */
    public static <V> ConcurrentKafkaListenerContainerFactory<String, V> batchContainerFactory(Topic<String, V> input,
            KafkaProperties properties, KafkaTransactionManager<?, ?> transactions,
            AfterRollbackProcessor<Object, Object> afterRollback) {
        ConcurrentKafkaListenerContainerFactory<String, V> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(CatalogueConsumers.forTopic(input, properties));
        factory.setBatchListener(true);
        factory.getContainerProperties().setKafkaAwareTransactionManager(transactions);
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.MANUAL);
        // The container's own timer (spring.kafka.listener, tagged name/result/exception) would clash in Prometheus
        // with the records' observations' meter of the same name and other tags, and one of them would be dropped.
        factory.getContainerProperties().setMicrometerEnabled(false);
        // Fenced means another instance owns the work now (this one is a zombie): stop, do not skip records.
        factory.getContainerProperties().setStopContainerWhenFenced(true);
        factory.setAfterRollbackProcessor(afterRollback);
        return factory;
    }
}
