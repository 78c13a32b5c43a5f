package io.autotopup.payment;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** payment-service: charges top-ups through the payment gateway. */
@SpringBootApplication
public class PaymentServiceApplication {

    /** The name of this service's configuration file, so that several services can share one class path in tests. */
    public static final String CONFIG_NAME = "payment-service";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(PaymentServiceApplication.class);
        application.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        application.run(args);
    }
}
