package io.autotopup.balance;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** balance-service: keeps the ledger of every subscriber and publishes each change. */
@SpringBootApplication
public class BalanceServiceApplication {

    /** The name of this service's configuration file, so that several services can share one class path in tests. */
    public static final String CONFIG_NAME = "balance-service";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(BalanceServiceApplication.class);
        application.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        application.run(args);
    }
}
