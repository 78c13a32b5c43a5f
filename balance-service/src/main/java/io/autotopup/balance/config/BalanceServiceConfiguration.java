package io.autotopup.balance.config;

import io.autotopup.balance.adapter.in.kafka.BalanceTopology;
import io.autotopup.balance.adapter.in.web.OwnerRoutingFilter;
import io.autotopup.balance.adapter.out.kafka.KafkaAdjustmentEvents;
import io.autotopup.balance.adapter.out.kafka.KafkaSubscriberEvents;
import io.autotopup.balance.adapter.out.kafka.KafkaVerificationEvents;
import io.autotopup.balance.adapter.out.metrics.MicrometerLedgerMetrics;
import io.autotopup.balance.adapter.out.security.OneTimeCodeVault;
import io.autotopup.platform.security.OneTimeCodes;
import io.autotopup.balance.application.AdjustBalance;
import io.autotopup.balance.adapter.out.kafka.StreamsCodeRequests;
import io.autotopup.balance.adapter.out.kafka.StreamsSubscriberDirectory;
import io.autotopup.balance.application.RegisterSubscriber;
import io.autotopup.balance.application.SubscriberDirectory;
import io.autotopup.balance.application.VerifySubscriber;
import io.autotopup.balance.domain.LedgerPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import io.autotopup.platform.kafka.CatalogueTemplates;
import io.autotopup.schemas.Topics;
import org.apache.kafka.streams.StreamsBuilder;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;

@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
class BalanceServiceConfiguration {

    @Autowired
    void defineTopology(StreamsBuilder builder, MeterRegistry meters,
            @Value("${autotopup.balance.unknown-msisdn-grace:30s}") Duration unknownMsisdnGrace,
            @Value("${autotopup.balance.dedupe-retention:7d}") Duration dedupeRetention,
            @Value("${autotopup.balance.history-kept:" + LedgerPolicy.DEFAULT_HISTORY_KEPT + "}") int historyKept,
            @Value("#{${autotopup.balance.max-usage-charge:{LAK: 10000000, USD: 50000}}}") Map<String, Long> maxUsageCharge) {
        BalanceTopology.build(builder, unknownMsisdnGrace, new LedgerPolicy(Map.copyOf(maxUsageCharge), dedupeRetention, historyKept),
                new MicrometerLedgerMetrics(meters));
    }

    @Bean
    OwnerRoutingFilter ownerRoutingFilter(KafkaStreamsInteractiveQueryService queries) {
        return new OwnerRoutingFilter(queries);
    }


    @Bean
    AdjustBalance adjustBalance(SubscriberDirectory directory, KafkaProperties kafka) {
        return new AdjustBalance(directory, new KafkaAdjustmentEvents(CatalogueTemplates.forTopic(Topics.BALANCE_ADJUSTMENTS, kafka)));
    }

    @Bean
    KafkaStreamsInteractiveQueryService balanceQueries(StreamsBuilderFactoryBean streams) {
        return new KafkaStreamsInteractiveQueryService(streams);
    }

    @Bean
    SubscriberDirectory subscriberDirectory(KafkaStreamsInteractiveQueryService queries) {
        return new StreamsSubscriberDirectory(queries);
    }

    @Bean
    VerifySubscriber verifySubscriber(SubscriberDirectory directory, KafkaProperties kafka,
            KafkaStreamsInteractiveQueryService queries, @Value("${autotopup.verification.key:}") String key,
            @Value("${autotopup.verification.codes-per-minute:300}") int codesPerMinute,
            @Value("${autotopup.verification.home-country-codes:856}") java.util.Set<String> homeCountryCodes,
            @Value("${autotopup.verification.codes-per-foreign-country-per-hour:20}") int codesPerForeignCountry,
            io.micrometer.core.instrument.MeterRegistry meters) {
        VerifySubscriber verify = new VerifySubscriber(directory, new KafkaVerificationEvents(
                CatalogueTemplates.forTopic(Topics.SUBSCRIBER_VERIFICATIONS, kafka), CatalogueTemplates.forTopic(Topics.SUBSCRIBERS, kafka),
                CatalogueTemplates.forTopic(Topics.CODE_REQUESTS, kafka)),
                new OneTimeCodeVault(OneTimeCodes.fromBase64(key)), new StreamsCodeRequests(queries), Clock.systemUTC(),
                new VerifySubscriber.Limits(codesPerMinute, homeCountryCodes, codesPerForeignCountry,
                        io.autotopup.platform.Msisdns::countryCode));
        // alert on any: the service stopped texting codes for the rest of a minute (docs/operations.md)
        io.micrometer.core.instrument.FunctionCounter.builder("autotopup.verification.ceiling.refusals", verify,
                        VerifySubscriber::ceilingRefusals)
                .description("Code requests refused because the service's ceiling of codes per minute was reached")
                .register(meters);
        return verify;
    }

    @Bean
    RegisterSubscriber registerSubscriber(SubscriberDirectory directory, KafkaProperties kafka, VerifySubscriber verification) {
        return new RegisterSubscriber(directory,
                new KafkaSubscriberEvents(CatalogueTemplates.forTopic(Topics.SUBSCRIBERS, kafka)), verification, Clock.systemUTC());
    }
}
