package io.autotopup.auth;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The authorization server (OAuth 2.1 and OpenID Connect, Spring Authorization Server): subscribers sign in with
 * their number and a code texted to it; the portal and the apps get tokens by the authorization code flow with
 * PKCE, machines by client credentials. Its authorizations live on Kafka, so a restart or a second instance signs
 * nobody out. The one servlet (Spring MVC) application: Spring Authorization Server is servlet-only.
 */
@SpringBootApplication
public class AuthServerApplication {

    /** The name of this application's configuration file, so that several applications can share one class path in tests. */
    public static final String CONFIG_NAME = "auth";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(AuthServerApplication.class);
        application.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        application.setWebApplicationType(WebApplicationType.SERVLET);
        application.run(args);
    }
}
