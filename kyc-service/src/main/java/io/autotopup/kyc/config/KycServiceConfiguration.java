package io.autotopup.kyc.config;

import io.autotopup.kyc.adapter.in.kafka.KycTopology;
import io.autotopup.kyc.adapter.out.crypto.EnvelopeDocumentCipher;
import io.autotopup.kyc.adapter.out.inspection.FileInspector;
import io.autotopup.kyc.adapter.out.kafka.KafkaKycDirectory;
import io.autotopup.kyc.adapter.out.kafka.KafkaKycEvents;
import io.autotopup.kyc.adapter.out.objectstore.S3DocumentStore;
import io.autotopup.kyc.application.DocumentCipher;
import io.autotopup.kyc.application.DocumentInspector;
import io.autotopup.kyc.application.DocumentStore;
import io.autotopup.kyc.application.EraseDocuments;
import io.autotopup.kyc.application.KycDirectory;
import io.autotopup.kyc.application.KycEvents;
import io.autotopup.kyc.application.ReviewDocuments;
import io.autotopup.kyc.application.SubmitDocument;
import io.autotopup.kyc.domain.RetentionPolicy;
import io.autotopup.platform.kafka.TransactionalListeners;
import io.autotopup.schemas.AvroSerde;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.apache.kafka.streams.StreamsBuilder;

/** Wiring: the topology, the object store, the cipher, the inspector, the events, the use cases, the retention schedule. */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
@EnableConfigurationProperties(KycProperties.class)
class KycServiceConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KycServiceConfiguration.class);

    @Autowired
    void defineTopology(StreamsBuilder builder) {
        KycTopology.build(builder);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    KafkaStreamsInteractiveQueryService kycQueries(StreamsBuilderFactoryBean streams) {
        return new KafkaStreamsInteractiveQueryService(streams);
    }

    @Bean
    KycDirectory kycDirectory(KafkaStreamsInteractiveQueryService kycQueries) {
        return new KafkaKycDirectory(kycQueries);
    }

    @Bean(destroyMethod = "close")
    S3DocumentStore documentStore(KycProperties properties) {
        KycProperties.ObjectStore store = properties.objectStore();
        S3DocumentStore documents = new S3DocumentStore(store.endpoint(), store.region(), store.accessKey(), store.secretKey(),
                store.bucket(), store.serverSideEncryption());
        if (store.createBucket()) {
            documents.createBucketIfMissing();
        }
        return documents;
    }

    @Bean
    DocumentCipher documentCipher(KycProperties properties) {
        return new EnvelopeDocumentCipher(properties.encryption().keysById(), properties.encryption().currentKeyId());
    }

    @Bean
    DocumentInspector documentInspector() {
        return new FileInspector();
    }

    @Bean
    DefaultKafkaProducerFactory<String, SpecificRecord> kycProducerFactory(KafkaProperties kafka, KycProperties properties) {
        return TransactionalListeners.producerFactory(AvroSerde.anyEvent(), kafka, properties.transactionIdPrefix());
    }

    @Bean
    KafkaTemplate<String, SpecificRecord> kycTemplate(DefaultKafkaProducerFactory<String, SpecificRecord> kycProducerFactory) {
        return TransactionalListeners.template(kycProducerFactory);
    }

    @Bean
    KycEvents kycEvents(KafkaTemplate<String, SpecificRecord> kycTemplate, Clock clock) {
        return new KafkaKycEvents(kycTemplate, clock);
    }

    @Bean
    SubmitDocument submitDocument(DocumentInspector inspector, DocumentCipher cipher, DocumentStore store, KycEvents events,
            KycDirectory directory, Clock clock) {
        return new SubmitDocument(inspector, cipher, store, events, directory, clock);
    }

    @Bean
    ReviewDocuments reviewDocuments(KycDirectory directory, DocumentStore store, DocumentCipher cipher, KycEvents events,
            Clock clock) {
        return new ReviewDocuments(directory, store, cipher, events, clock);
    }

    @Bean
    EraseDocuments eraseDocuments(KycDirectory directory, DocumentStore store, KycEvents events, KycProperties properties,
            Clock clock) {
        return new EraseDocuments(directory, store, events,
                new RetentionPolicy(properties.retention().afterApproval(), properties.retention().afterRejection()), clock);
    }

    /** The retention schedule: while Kafka Streams runs, every {@code check-every} the images that are due are deleted. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService retentionSchedule(EraseDocuments erase, KycProperties properties, StreamsBuilderFactoryBean streams) {
        ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kyc-retention");
            thread.setDaemon(true);
            return thread;
        });
        long every = properties.retention().checkEvery().toMillis();
        schedule.scheduleWithFixedDelay(() -> {
            KafkaStreams running = streams.getKafkaStreams();
            if (running == null || running.state() != KafkaStreams.State.RUNNING) {
                return;
            }
            try {
                int erased = erase.dueNow();
                if (erased > 0) {
                    log.info("Retention: the images of {} document(s) erased", erased);
                }
            } catch (RuntimeException e) {
                log.warn("Retention: the schedule failed this time and tries again: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return schedule;
    }
}
