package io.autotopup.portal;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * portal: the subscriber's web app. It signs people in through the authorization server and calls the four
 * services with their own token; it keeps nothing but the browser session.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PortalApplication {

    /** The name of this application's configuration file, so that several share one class path in tests. */
    public static final String CONFIG_NAME = "portal";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(PortalApplication.class);
        application.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        application.run(args);
    }
}
