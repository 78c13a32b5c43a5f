package io.autotopup.rules;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** rule-engine-service: decides when a subscriber is topped up. */
@SpringBootApplication
public class RuleEngineServiceApplication {

    /** The name of this service's configuration file, so that several services can share one class path in tests. */
    public static final String CONFIG_NAME = "rule-engine-service";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(RuleEngineServiceApplication.class);
        application.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        application.run(args);
    }
}
