package io.autotopup.balance.config;

import io.autotopup.balance.adapter.in.kafka.BalanceTopology;
import io.autotopup.balance.adapter.out.kafka.KafkaSubscriberEvents;
import io.autotopup.balance.adapter.out.kafka.StreamsSubscriberDirectory;
import io.autotopup.balance.application.RegisterSubscriber;
import io.autotopup.balance.application.SubscriberDirectory;
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
    void defineTopology(StreamsBuilder builder,
            @Value("${autotopup.balance.unknown-msisdn-grace:30s}") Duration unknownMsisdnGrace) {
        BalanceTopology.build(builder, unknownMsisdnGrace);
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
    RegisterSubscriber registerSubscriber(SubscriberDirectory directory, KafkaProperties kafka) {
        return new RegisterSubscriber(directory,
                new KafkaSubscriberEvents(CatalogueTemplates.forTopic(Topics.SUBSCRIBERS, kafka)), Clock.systemUTC());
    }
}
