package io.autotopup.kyc;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** kyc-service: subscribers' identity documents, uploaded, reviewed and kept safely in an object store. */
@SpringBootApplication
public class KycServiceApplication {

    /** The name of this service's configuration file, so that several services can share one class path in tests. */
    public static final String CONFIG_NAME = "kyc-service";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(KycServiceApplication.class);
        application.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        application.run(args);
    }
}
