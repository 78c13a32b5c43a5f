package io.autotopup.payment.config;

import io.autotopup.events.TopUpRequested;
import io.autotopup.payment.adapter.in.kafka.PaymentMethodsTopology;
import io.autotopup.payment.adapter.in.kafka.TopUpRequestListener;
import io.autotopup.payment.adapter.out.gateway.HttpPaymentGateway;
import io.autotopup.payment.adapter.out.gateway.HttpPaymentGateway.TransientGatewayException;
import io.autotopup.payment.adapter.out.kafka.KafkaPaymentMethodRepository;
import io.autotopup.payment.adapter.out.kafka.KafkaPayments;
import io.autotopup.payment.adapter.out.kafka.KafkaTopUpOutcomes;
import io.autotopup.payment.adapter.out.kafka.KafkaTopUpRetries;
import io.autotopup.payment.application.ManagePaymentMethods;
import io.autotopup.payment.application.ChargeTopUp;
import io.autotopup.payment.application.PaymentGateway;
import io.autotopup.payment.application.PaymentMethodRepository;
import io.autotopup.payment.application.SettledPayments;
import io.autotopup.platform.kafka.CatalogueTemplates;
import io.autotopup.platform.security.EnvelopeCipher;
import io.autotopup.platform.security.PaymentTokens;
import io.autotopup.payment.adapter.in.schedule.SealTokensAtStart;
import io.autotopup.platform.kafka.TransactionalListeners;
import io.autotopup.schemas.AvroSerde;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import io.autotopup.payment.adapter.in.schedule.ReconciliationSchedule;
import io.autotopup.payment.adapter.out.kafka.KafkaReconciliation;
import io.autotopup.payment.application.ReconcilePayments;
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
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
@EnableConfigurationProperties({GatewayProperties.class, PaymentRetryProperties.class})
class PaymentServiceConfiguration {

    /** resilience4j instance name, after the operation it guards. */
    static final String CHARGE = "gateway-charge";

    /** What the gateway may get over by itself: retried, and counted by the breaker. A decline is not one. */
    @SuppressWarnings("unchecked")
    private static final Class<? extends Throwable>[] TRANSIENT_FAILURES = new Class[] {
        TransientGatewayException.class, TimeoutException.class, WebClientRequestException.class, IOException.class};

    @Autowired
    void defineTopology(StreamsBuilder builder) {
        PaymentMethodsTopology.build(builder);
    }

    @Bean
    KafkaStreamsInteractiveQueryService paymentQueries(StreamsBuilderFactoryBean streams) {
        return new KafkaStreamsInteractiveQueryService(streams);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    CircuitBreakerRegistry circuitBreakerRegistry(GatewayProperties gateway, MeterRegistry meters) {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(20).minimumNumberOfCalls(10).failureRateThreshold(50)
                .waitDurationInOpenState(gateway.breakerOpenFor()).permittedNumberOfCallsInHalfOpenState(3)
                .recordExceptions(TRANSIENT_FAILURES)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    RetryRegistry retryRegistry(GatewayProperties gateway, MeterRegistry meters) {
        RetryRegistry registry = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(gateway.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(gateway.initialBackoff(), 2.0, 0.5))
                .retryExceptions(TRANSIENT_FAILURES)
                .build());
        TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    TimeLimiterRegistry timeLimiterRegistry(GatewayProperties gateway, MeterRegistry meters) {
        TimeLimiterRegistry registry = TimeLimiterRegistry.of(TimeLimiterConfig.custom()
                .timeoutDuration(gateway.callTimeout()).build());
        TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    BulkheadRegistry bulkheadRegistry(GatewayProperties gateway, MeterRegistry meters) {
        BulkheadRegistry registry = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(gateway.maxConcurrentCalls()).maxWaitDuration(Duration.ofSeconds(1)).build());
        TaggedBulkheadMetrics.ofBulkheadRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    PaymentGateway paymentGateway(GatewayProperties gateway, CircuitBreakerRegistry breakers, RetryRegistry retries,
            TimeLimiterRegistry limiters, BulkheadRegistry bulkheads) {
        return new HttpPaymentGateway(WebClient.builder().baseUrl(gateway.baseUrl())
                        .defaultHeaders(headers -> {
                            if (gateway.apiKey() != null && !gateway.apiKey().isBlank()) {
                                headers.setBearerAuth(gateway.apiKey());
                            }
                        }).build(),
                breakers.circuitBreaker(CHARGE), retries.retry(CHARGE), limiters.timeLimiter(CHARGE), bulkheads.bulkhead(CHARGE));
    }

    @Bean
    KafkaPaymentMethodRepository paymentMethodRepository(KafkaStreamsInteractiveQueryService queries, KafkaProperties kafka,
            @Value("${autotopup.payment.token-keys:}") String tokenKeys,
            @Value("${autotopup.payment.token-key-id:}") String tokenKeyId) {
        return new KafkaPaymentMethodRepository(queries, CatalogueTemplates.forTopic(Topics.PAYMENT_METHODS, kafka),
                new PaymentTokens(EnvelopeCipher.configured("autotopup.payment.token-keys (PAYMENT_TOKEN_KEYS)", tokenKeys,
                        tokenKeyId)));
    }

    /** Once the global table is up, seals any token still in clear on {@code payment-methods} (v1 records, migrations). */
    @Bean
    SealTokensAtStart sealTokensAtStart(KafkaPaymentMethodRepository repository, StreamsBuilderFactoryBean streams) {
        return new SealTokensAtStart(repository, streams);
    }

    @Bean
    ManagePaymentMethods managePaymentMethods(PaymentGateway gateway, PaymentMethodRepository repository, Clock clock) {
        return new ManagePaymentMethods(gateway, repository, clock);
    }

    @Bean
    DefaultKafkaProducerFactory<String, SpecificRecord> outcomeProducerFactory(KafkaProperties kafka,
            @Value("${autotopup.payment.transaction-id-prefix:payment-service-}") String transactionIdPrefix) {
        return TransactionalListeners.producerFactory(AvroSerde.anyEvent(), kafka, transactionIdPrefix);
    }

    @Bean
    KafkaTransactionManager<String, SpecificRecord> kafkaTransactionManager(
            DefaultKafkaProducerFactory<String, SpecificRecord> outcomeProducerFactory) {
        return new KafkaTransactionManager<>(outcomeProducerFactory);
    }

    @Bean
    KafkaTemplate<String, SpecificRecord> outcomeTemplate(DefaultKafkaProducerFactory<String, SpecificRecord> outcomeProducerFactory) {
        return TransactionalListeners.template(outcomeProducerFactory);
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, TopUpRequested> kafkaListenerContainerFactory(KafkaProperties kafka,
            KafkaTransactionManager<String, SpecificRecord> transactions,
            DefaultAfterRollbackProcessor<Object, Object> afterRollback) {
        return TransactionalListeners.batchContainerFactory(Topics.TOP_UP_REQUESTS, kafka, transactions, afterRollback);
    }

    @Bean
    KafkaPayments payments(KafkaStreamsInteractiveQueryService queries) {
        return new KafkaPayments(queries);
    }

    @Bean
    TopUpRequestListener topUpRequestListener(PaymentGateway gateway, PaymentMethodRepository repository, Clock clock,
            SettledPayments payments, KafkaTemplate<String, SpecificRecord> outcomeTemplate, PaymentRetryProperties retry,
            MeterRegistry meters, @Value("${autotopup.replay.real-effects:false}") boolean realEffectsOnReplay,
            GatewayProperties gatewayProperties, DeadLetterPublishingRecoverer deadLetters,
            ObjectProvider<ObservationRegistry> observations) {
        return new TopUpRequestListener(new ChargeTopUp(gateway, repository, payments, clock),
                new KafkaTopUpOutcomes(outcomeTemplate), new KafkaTopUpRetries(outcomeTemplate), retry.delays(), clock, meters,
                realEffectsOnReplay, gatewayProperties.maxConcurrentCalls(), deadLetters,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    KafkaReconciliation reconciliationBooks(KafkaTemplate<String, SpecificRecord> outcomeTemplate, MeterRegistry meters,
            Clock clock) {
        return new KafkaReconciliation(outcomeTemplate, meters, clock);
    }

    @Bean
    ReconciliationSchedule reconciliationSchedule(PaymentGateway gateway, KafkaPayments payments,
            KafkaReconciliation books, Clock clock, MeterRegistry meters,
            @Value("${autotopup.payment.reconciliation.every:1h}") Duration every,
            @Value("${autotopup.payment.reconciliation.window:25h}") Duration window,
            @Value("${autotopup.payment.reconciliation.settle-for:10m}") Duration settleFor) {
        return new ReconciliationSchedule(new ReconcilePayments(gateway, payments, payments, books, clock), clock, meters, every,
                window, settleFor);
    }

    /** The retry topics, one per delay tier. */
    @Bean
    String[] paymentRetryTopics(PaymentRetryProperties retry) {
        return IntStream.range(0, retry.delays().size()).mapToObj(KafkaTopUpRetries::topic).toArray(String[]::new);
    }

    @Bean
    KafkaAdmin.NewTopics paymentRetryTopicDeclarations(String[] paymentRetryTopics,
            @Value("${autotopup.kafka.replication-factor:1}") short replicationFactor) {
        return new KafkaAdmin.NewTopics(Arrays.stream(paymentRetryTopics).map(name -> TopicBuilder.name(name)
                .partitions(Topics.PARTITIONS).replicas(replicationFactor).configs(Topic.logConfigs(Topic.RETRY_RETENTION)).build())
                .toArray(NewTopic[]::new));
    }

    /**
     * Like the main container factory: a request that is not due yet is read again when it is due (the listener's
     * {@link io.autotopup.platform.kafka.TransactionalBatch} waits for it, with the requests behind it), for as long
     * as it takes; any other failure is retried twice, then dead-lettered.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, TopUpRequested> retryContainerFactory(KafkaProperties kafka,
            KafkaTransactionManager<String, SpecificRecord> transactions,
            DefaultAfterRollbackProcessor<Object, Object> afterRollback) {
        return TransactionalListeners.batchContainerFactory(Topics.TOP_UP_REQUESTS, kafka, transactions, afterRollback);
    }
}
