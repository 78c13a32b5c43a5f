package io.autotopup.platform;

import io.autotopup.platform.kafka.ListenerContainersHealthIndicator;
import io.autotopup.platform.streams.DeadLetters;
import io.autotopup.platform.streams.KafkaStreamsHealthIndicator;
import io.autotopup.platform.streams.StaleTaskDirectories;
import io.autotopup.platform.streams.StreamThreadFailures;
import io.autotopup.platform.tracing.StreamsTracing;
import io.autotopup.platform.tracing.TracingProcessorWrapper;
import io.autotopup.platform.web.StoreUnavailableAdvice;
import io.autotopup.schemas.AvroSerde;
import io.autotopup.schemas.SchemaResolver;
import io.autotopup.schemas.WireFormat;
import io.autotopup.schemas.registry.RegistrySchemas;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.streams.RecoveringDeserializationExceptionHandler;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * What every service gets by depending on this module:
 * <ul>
 *   <li>every topic of the catalogue and its dead-letter topic declared as {@link NewTopic}s, since broker
 *       auto-creation is off;</li>
 *   <li>one {@link DeadLetterPublishingRecoverer} that sends a record that cannot be processed to
 *       {@code <topic>-dlt}, same partition, with the reason in spring-kafka's {@code kafka_dlt-*} headers;</li>
 *   <li>listener containers (with or without Kafka transactions) that send a poison pill there at once and
 *       other failures after two retries;</li>
 *   <li>Kafka Streams apps that send an undecodable record there and go on with the next one, a health
 *       indicator that is UP only while Streams is RUNNING, and 503 + Retry-After for reads before that.</li>
 * </ul>
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@EnableConfigurationProperties(KafkaProperties.class)
public class KafkaPlatformAutoConfiguration {

    /**
     * With {@code autotopup.schema-registry.url} (the Confluent API's root, Apicurio's {@code /apis/ccompat/v7}), the
     * events this service writes to catalogue topics are framed as Confluent's serializer frames them, with ids from the
     * registry; without it, single-object encoded. Both framings are read either way ({@link WireFormat}).
     */
    @Bean
    @ConditionalOnProperty("autotopup.schema-registry.url")
    public SchemaResolver schemaRegistry(@Value("${autotopup.schema-registry.url}") String url) {
        RegistrySchemas schemas = new RegistrySchemas(url);
        WireFormat.useRegistry(schemas);
        return schemas;
    }

    @Bean
    public KafkaAdmin.NewTopics catalogueTopics(@Value("${autotopup.kafka.replication-factor:1}") short replicationFactor) {
        return new KafkaAdmin.NewTopics(Topics.newTopics(replicationFactor).toArray(NewTopic[]::new));
    }

    @Bean
    @ConditionalOnMissingBean
    public DeadLetterPublishingRecoverer deadLetterPublishingRecoverer(KafkaProperties properties) {
        Map<String, Object> config = new HashMap<>(properties.buildProducerProperties());
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // A dead letter may carry raw bytes (it could not be decoded) or a decoded key or event (it could not be
        // processed), so keys and values are written by their type.
        Map<Class<?>, Serializer<?>> byType = new LinkedHashMap<>();
        byType.put(byte[].class, new ByteArraySerializer());
        byType.put(String.class, new StringSerializer());
        byType.put(SpecificRecord.class, AvroSerde.anyEvent());
        KafkaTemplate<Object, Object> template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config,
                new DelegatingByTypeSerializer(byType, true), new DelegatingByTypeSerializer(byType, true)));
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> new TopicPartition(record.topic() + Topic.DLT_SUFFIX, record.partition()));
        recoverer.setHeadersFunction((record, exception) -> {
            Headers reason = DeadLetters.reasonHeaders(exception);
            DeadLetters.count(record.topic() + Topic.DLT_SUFFIX,
                    new String(reason.lastHeader(DeadLetters.REASON_CODE_HEADER).value(), StandardCharsets.UTF_8));
            return reason;
        });
        return recoverer;
    }

    @Bean
    @ConditionalOnMissingBean
    public DefaultErrorHandler kafkaErrorHandler(DeadLetterPublishingRecoverer recoverer) {
        // Deserialization failures are not retryable by default and go to the DLT at once.
        return new DefaultErrorHandler(recoverer, new FixedBackOff(500L, 2L));
    }

    /** With Kafka transactions, a failed record is handled after the rollback: retried twice, then dead-lettered. */
    @Bean
    @ConditionalOnMissingBean
    public DefaultAfterRollbackProcessor<Object, Object> kafkaAfterRollbackProcessor(DeadLetterPublishingRecoverer recoverer) {
        return new DefaultAfterRollbackProcessor<>(recoverer, new FixedBackOff(500L, 2L));
    }

    @Bean
    @ConditionalOnProperty("spring.kafka.streams.application-id")
    public KafkaStreamsHealthIndicator kafkaStreamsHealthIndicator(StreamsBuilderFactoryBean streams) {
        return new KafkaStreamsHealthIndicator(streams);
    }

    /**
     * On a graceful stop Kafka Streams leaves its group, so that the instance taking over (a restart, a
     * rolling deploy) gets the partitions at once instead of after the session timeout.
     */
    @Bean
    @ConditionalOnProperty("spring.kafka.streams.application-id")
    public StreamsBuilderFactoryBeanConfigurer leaveGroupOnClose() {
        return factoryBean -> factoryBean.setLeaveGroupOnClose(true);
    }

    /**
     * A stream thread that fails on a broker error is replaced; any other failure, or broker errors that keep
     * coming back, shut Kafka Streams down for the liveness probe ({@link StreamThreadFailures}).
     */
    @Bean
    @ConditionalOnProperty("spring.kafka.streams.application-id")
    public StreamsBuilderFactoryBeanConfigurer replaceThreadsFailedOnBrokerErrors() {
        return factoryBean -> factoryBean.setStreamsUncaughtExceptionHandler(StreamThreadFailures.standard());
    }

    /**
     * Before Kafka Streams starts, task directories that the running version's topology cannot use (left by an
     * older version) are removed; their state comes back from the changelogs ({@link StaleTaskDirectories}).
     */
    @Bean
    @ConditionalOnProperty("spring.kafka.streams.application-id")
    public StreamsBuilderFactoryBeanConfigurer removeStaleTaskDirectories() {
        return factoryBean -> factoryBean.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
            @Override
            public void configureTopology(Topology topology) {
                java.util.Properties config = factoryBean.getStreamsConfiguration();
                Object stateDir = config == null ? null : config.get(StreamsConfig.STATE_DIR_CONFIG);
                Object applicationId = config == null ? null : config.get(StreamsConfig.APPLICATION_ID_CONFIG);
                if (stateDir != null && applicationId != null) {
                    StaleTaskDirectories.remove(java.nio.file.Path.of(stateDir.toString()), applicationId.toString(),
                            topology.describe());
                }
            }
        });
    }

    @Bean
    public ListenerContainersHealthIndicator kafkaListenersHealthIndicator(
            ObjectProvider<KafkaListenerEndpointRegistry> registry) {
        return new ListenerContainersHealthIndicator(registry);
    }

    @Bean
    public StoreUnavailableAdvice storeUnavailableAdvice() {
        return new StoreUnavailableAdvice();
    }

    @Bean(name = KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
    @ConditionalOnProperty("spring.kafka.streams.application-id")
    public KafkaStreamsConfiguration defaultKafkaStreamsConfig(KafkaProperties properties,
            DeadLetterPublishingRecoverer recoverer, ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        Map<String, Object> config = new HashMap<>(properties.buildStreamsProperties());
        config.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                RecoveringDeserializationExceptionHandler.class);
        config.put(RecoveringDeserializationExceptionHandler.KSTREAM_DESERIALIZATION_RECOVERER, recoverer);
        // Each record's trace goes on through the topology (spring-kafka traces listeners and templates only).
        if (tracer.getIfAvailable() != null && propagator.getIfAvailable() != null) {
            config.put(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, TracingProcessorWrapper.class);
            config.put(TracingProcessorWrapper.TRACING_CONFIG, new StreamsTracing(tracer.getObject(), propagator.getObject(),
                    String.valueOf(config.get(StreamsConfig.APPLICATION_ID_CONFIG))));
        }
        return new KafkaStreamsConfiguration(config);
    }
}
