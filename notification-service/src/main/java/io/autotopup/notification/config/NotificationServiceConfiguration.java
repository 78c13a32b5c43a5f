package io.autotopup.notification.config;

import io.autotopup.notification.adapter.in.kafka.NotificationTopology;
import io.autotopup.notification.adapter.in.kafka.SmsRequestListener;
import io.autotopup.notification.adapter.out.smpp.SmppProperties;
import io.autotopup.notification.adapter.out.smpp.SmppSmsSender;
import io.autotopup.platform.kafka.TransactionalListeners;
import io.autotopup.platform.security.OneTimeCodes;
import io.autotopup.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;
import io.autotopup.notification.application.SmsSender;
import org.springframework.kafka.transaction.KafkaTransactionManager;

@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
@EnableConfigurationProperties(SmppProperties.class)
class NotificationServiceConfiguration {

    @Autowired
    void defineTopology(StreamsBuilder builder) {
        NotificationTopology.build(builder);
    }

    @Bean(destroyMethod = "close")
    SmppSmsSender smsSender(SmppProperties properties) {
        return new SmppSmsSender(properties);
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
        return new KafkaTemplate<>(notificationProducerFactory);
    }

    /**
     * While the SMS centre does not take texts, the text is tried again (1 s, doubling, at most 30 s between
     * tries) for as long as it takes: nothing is dropped, and the texts behind it wait, as they would have to
     * anyway. Any other failure is retried twice, then dead-lettered.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, SpecificRecord> kafkaListenerContainerFactory(KafkaProperties kafka,
            KafkaTransactionManager<String, SpecificRecord> transactions, DeadLetterPublishingRecoverer recoverer) {
        DefaultAfterRollbackProcessor<Object, Object> waitForTheSmsCentre = new DefaultAfterRollbackProcessor<>(recoverer,
                new FixedBackOff(500L, 2L));
        waitForTheSmsCentre.setBackOffFunction((record, exception) -> {
            if (!(exception instanceof SmsSender.SmsNotSentException || exception.getCause() instanceof SmsSender.SmsNotSentException)) {
                return null;
            }
            ExponentialBackOff backOff = new ExponentialBackOff(1_000L, 2.0);
            backOff.setMaxInterval(30_000L);
            return backOff;
        });
        return TransactionalListeners.containerFactory(Topics.NOTIFICATIONS, kafka, transactions, waitForTheSmsCentre);
    }

    @Bean
    SmsRequestListener smsRequestListener(SmppSmsSender sender, KafkaTemplate<String, SpecificRecord> notificationTemplate,
            @Value("${autotopup.verification.key:}") String codeKey) {
        return new SmsRequestListener(sender, notificationTemplate, OneTimeCodes.fromBase64(codeKey));
    }
}
