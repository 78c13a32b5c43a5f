package io.autotopup.notification.config;

import io.autotopup.notification.adapter.in.kafka.NotificationTopology;
import io.autotopup.notification.adapter.in.kafka.SmsRequestListener;
import io.autotopup.notification.adapter.out.smpp.SmppProperties;
import io.autotopup.notification.adapter.out.smpp.SmppSmsSender;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import io.autotopup.notification.adapter.out.kafka.KafkaDeliveryReports;
import io.autotopup.platform.kafka.CatalogueTemplates;
import io.autotopup.platform.kafka.TransactionalListeners;
import io.autotopup.platform.security.OneTimeCodes;
import io.autotopup.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.transaction.KafkaTransactionManager;

@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
@EnableConfigurationProperties(SmppProperties.class)
class NotificationServiceConfiguration {

    @Autowired
    void defineTopology(StreamsBuilder builder) {
        NotificationTopology.build(builder);
    }

    @Bean
    KafkaStreamsInteractiveQueryService notificationQueries(StreamsBuilderFactoryBean streams) {
        return new KafkaStreamsInteractiveQueryService(streams);
    }

    /** resilience4j instance name, after the operation it guards. */
    static final String SUBMIT = "sms-submit";

    /** Delivery receipts are recorded with a plain (non-transactional) producer: they come on the SMPP session's thread. */
    @Bean
    KafkaDeliveryReports deliveryReports(KafkaProperties kafka) {
        return new KafkaDeliveryReports(CatalogueTemplates.forTopic(Topics.NOTIFICATIONS, kafka));
    }

    @Bean(destroyMethod = "close")
    SmppSmsSender smsSender(SmppProperties properties, MeterRegistry meters, KafkaDeliveryReports deliveryReports) {
        RateLimiterRegistry limiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(properties.messagesPerSecond()).limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofSeconds(10)).build());
        RetryRegistry retries = RetryRegistry.of(RetryConfig.custom().maxAttempts(5)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5))
                .retryOnException(SmppSmsSender::isThrottling).build());
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(15)).build());
        TaggedRateLimiterMetrics.ofRateLimiterRegistry(limiters).bindTo(meters);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        return new SmppSmsSender(properties, limiters.rateLimiter(SUBMIT), retries.retry(SUBMIT),
                breakers.circuitBreaker(SUBMIT), deliveryReports);
    }

    @Bean
    DefaultKafkaProducerFactory<String, SpecificRecord> notificationProducerFactory(KafkaProperties kafka,
            @Value("${autotopup.notification.transaction-id-prefix:notification-service-}") String transactionIdPrefix) {
        return TransactionalListeners.producerFactory(Topics.NOTIFICATIONS, kafka, transactionIdPrefix);
    }

    @Bean
    KafkaTransactionManager<String, SpecificRecord> kafkaTransactionManager(
            DefaultKafkaProducerFactory<String, SpecificRecord> notificationProducerFactory) {
        return new KafkaTransactionManager<>(notificationProducerFactory);
    }

    @Bean
    KafkaTemplate<String, SpecificRecord> notificationTemplate(
            DefaultKafkaProducerFactory<String, SpecificRecord> notificationProducerFactory) {
        return TransactionalListeners.template(notificationProducerFactory);
    }

    /** A poll's records in one transaction: the listener waits for the SMS centre ({@link SmsRequestListener}). */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, SpecificRecord> kafkaListenerContainerFactory(KafkaProperties kafka,
            KafkaTransactionManager<String, SpecificRecord> transactions, DefaultAfterRollbackProcessor<Object, Object> afterRollback) {
        return TransactionalListeners.batchContainerFactory(Topics.NOTIFICATIONS, kafka, transactions, afterRollback);
    }

    @Bean
    SmsRequestListener smsRequestListener(SmppSmsSender sender, KafkaTemplate<String, SpecificRecord> notificationTemplate,
            @Value("${autotopup.verification.key:}") String codeKey, KafkaDeliveryReports deliveryReports, MeterRegistry meters,
            @Value("${autotopup.replay.real-effects:false}") boolean realEffectsOnReplay,
            DeadLetterPublishingRecoverer deadLetters, ObjectProvider<ObservationRegistry> observations) {
        return new SmsRequestListener(sender, notificationTemplate, OneTimeCodes.fromBase64(codeKey), deliveryReports, meters,
                realEffectsOnReplay, deadLetters, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }
}
