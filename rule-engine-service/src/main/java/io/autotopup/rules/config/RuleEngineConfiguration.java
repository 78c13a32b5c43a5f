package io.autotopup.rules.config;

import io.autotopup.platform.kafka.CatalogueTemplates;
import io.autotopup.platform.kafka.ReadYourWrites;
import io.autotopup.rules.adapter.in.kafka.RuleTopology;
import io.autotopup.rules.adapter.out.kafka.KafkaRuleEvents;
import io.autotopup.rules.adapter.out.kafka.StreamsRuleDirectory;
import io.autotopup.rules.application.ManageAutoTopUp;
import io.autotopup.rules.application.RuleDirectory;
import io.autotopup.schemas.Topics;
import io.autotopup.rules.domain.RulePolicy;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
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
    void defineTopology(StreamsBuilder builder, RulePolicy policy) {
        RuleTopology.build(builder, policy);
    }

    /** The ceiling of one top-up and the low-balance line for subscribers without a rule, per currency. */
    @Bean
    static RulePolicy rulePolicy(
            @Value("#{${autotopup.rules.max-top-up:{LAK: 5000000, USD: 50000}}}") Map<String, Long> ceiling,
            @Value("#{${autotopup.rules.low-balance-threshold:{LAK: 10000, USD: 100}}}") Map<String, Long> lowBalance,
            @Value("${autotopup.rules.require-verified-identity:false}") boolean requireVerifiedIdentity) {
        return new RulePolicy(Map.copyOf(ceiling), Map.copyOf(lowBalance), requireVerifiedIdentity);
    }

    @Bean
    KafkaStreamsInteractiveQueryService ruleQueries(StreamsBuilderFactoryBean streams) {
        return new KafkaStreamsInteractiveQueryService(streams);
    }

    @Bean(destroyMethod = "close")
    static Admin ruleEngineAdmin(KafkaProperties kafka) {
        return Admin.create(kafka.buildAdminProperties());
    }

    @Bean
    RuleDirectory ruleDirectory(KafkaStreamsInteractiveQueryService queries, Admin ruleEngineAdmin, KafkaProperties kafka) {
        return new StreamsRuleDirectory(queries, new ReadYourWrites(ruleEngineAdmin, kafka.getStreams().getApplicationId()));
    }

    @Bean
    ManageAutoTopUp manageAutoTopUp(RuleDirectory directory, KafkaProperties kafka, RulePolicy policy) {
        return new ManageAutoTopUp(directory, new KafkaRuleEvents(CatalogueTemplates.forTopic(Topics.AUTO_TOP_UP_RULES, kafka),
                CatalogueTemplates.forTopic(Topics.TOP_UP_ASKS, kafka)),
                policy);
    }
}
