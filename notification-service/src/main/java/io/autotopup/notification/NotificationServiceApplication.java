package io.autotopup.notification;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** notification-service: texts subscribers what happened, in their language. */
@SpringBootApplication
public class NotificationServiceApplication {

    /** The name of this service's configuration file, so that several services can share one class path in tests. */
    public static final String CONFIG_NAME = "notification-service";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(NotificationServiceApplication.class);
        application.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        application.run(args);
    }
}
