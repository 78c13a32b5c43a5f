package io.autotopup.rules.config;

import io.autotopup.platform.kafka.CatalogueTemplates;
import io.autotopup.rules.adapter.in.kafka.RuleTopology;
import io.autotopup.rules.adapter.out.kafka.KafkaRuleEvents;
import io.autotopup.rules.adapter.out.kafka.StreamsRuleDirectory;
import io.autotopup.rules.application.ManageAutoTopUp;
import io.autotopup.rules.application.RuleDirectory;
import io.autotopup.schemas.Topics;
import org.apache.kafka.streams.StreamsBuilder;
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
class RuleEngineConfiguration {

    @Autowired
    void defineTopology(StreamsBuilder builder) {
        RuleTopology.build(builder);
    }

    @Bean
    KafkaStreamsInteractiveQueryService ruleQueries(StreamsBuilderFactoryBean streams) {
        return new KafkaStreamsInteractiveQueryService(streams);
    }

    @Bean
    RuleDirectory ruleDirectory(KafkaStreamsInteractiveQueryService queries) {
        return new StreamsRuleDirectory(queries);
    }

    @Bean
    ManageAutoTopUp manageAutoTopUp(RuleDirectory directory, KafkaProperties kafka,
            @Value("${autotopup.rules.max-top-up-minor-units:100000000}") long maxTopUp) {
        return new ManageAutoTopUp(directory, new KafkaRuleEvents(CatalogueTemplates.forTopic(Topics.AUTO_TOP_UP_RULES, kafka)),
                maxTopUp);
    }
}
