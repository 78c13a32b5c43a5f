package io.autotopup.auth.config;

import io.autotopup.auth.adapter.out.kafka.AppliedOffsets;
import io.autotopup.auth.adapter.out.kafka.AuthorizationTopology;
import io.autotopup.auth.adapter.out.kafka.KafkaAuthorizationService;
import io.autotopup.platform.kafka.CatalogueTemplates;
import io.autotopup.schemas.Topics;
import java.time.Clock;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** Where authorizations are kept: two compacted topics, read whole by every instance through Kafka Streams. */
@Configuration
@EnableKafkaStreams
class AuthorizationStoreConfiguration {

    /** Shared by the topology (which notes what it applied) and the authorization service (which waits for it). */
    @Bean
    static AppliedOffsets appliedOffsets() {
        return new AppliedOffsets();
    }

    @Autowired
    void defineTopology(StreamsBuilder builder, AppliedOffsets applied) {
        AuthorizationTopology.build(builder, applied);
    }

    @Bean(destroyMethod = "close")
    static Admin authAdmin(KafkaProperties kafka) {
        return Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers())));
    }

    @Bean
    KafkaAuthorizationService authorizationService(RegisteredClientRepository clients, KafkaProperties kafka,
            StreamsBuilderFactoryBean streams, Admin authAdmin, AppliedOffsets applied) {
        return new KafkaAuthorizationService(clients, CatalogueTemplates.forTopic(Topics.AUTH_AUTHORIZATIONS, kafka),
                CatalogueTemplates.forTopic(Topics.AUTH_TOKENS, kafka), streams::getKafkaStreams, applied, authAdmin,
                Clock.systemUTC());
    }

    /** Once the stores have restored, they hold everything the topics held then. */
    @Bean
    static StreamsBuilderFactoryBeanConfigurer markRestored(Admin authAdmin, AppliedOffsets applied) {
        return factoryBean -> factoryBean.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                applied.reachedAll(KafkaAuthorizationService.endOffsets(authAdmin));
            }
        });
    }
}
