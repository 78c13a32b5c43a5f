package io.autotopup.platform.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package shape every service keeps (HOUSE-STYLE): the domain is plain Java, the use cases know their
 * ports but no framework, and neither knows the adapters that call them or that they call.
 * Shared with the services as this module's test jar; a service runs them all with {@code ArchTests.in(ServiceArchitecture.class)}.
 */
public final class ServiceArchitecture {

    private static final String[] FRAMEWORKS = {"org.springframework..", "org.apache.kafka..", "org.apache.avro..",
            "io.autotopup.events..", "reactor..", "com.fasterxml..", "tools.jackson..", "io.github.resilience4j..",
            "org.jsmpp..", "io.autotopup.platform.."};

    @ArchTest
    public static final ArchRule DOMAIN_IS_PLAIN_JAVA = noClasses().that().resideInAPackage("..domain..")
            .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
            .because("the rules of the business do not change when Spring, Kafka or Avro do");

    @ArchTest
    public static final ArchRule USE_CASES_KNOW_NO_FRAMEWORK = noClasses().that().resideInAPackage("..application..")
            .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
            .because("use cases reach the outside world through their ports");

    @ArchTest
    public static final ArchRule INSIDE_KNOWS_NO_ADAPTER = noClasses().that().resideInAnyPackage("..domain..", "..application..")
            .should().dependOnClassesThat().resideInAnyPackage("..adapter..", "..config..")
            .because("dependencies point inwards");

    private ServiceArchitecture() {
    }
}
