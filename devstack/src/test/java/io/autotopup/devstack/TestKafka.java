package io.autotopup.devstack;

import io.autotopup.platform.testing.TestBrokers;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Kafka broker of the end-to-end tests, chosen where they run: the {@code apache/kafka} image through
 * Testcontainers where a Docker engine answers, else spring-kafka-test's embedded KRaft broker in this JVM
 * (our machines and CI have no engine). The tests are the same on both; the choice is printed, and
 * {@code -Dautotopup.test.kafka=embedded|container} forces it.
 */
interface TestKafka extends AutoCloseable {

    String IMAGE = "apache/kafka:4.1.1";

    String bootstrapServers();

    String description();

    @Override
    void close();

    static TestKafka start() {
        String forced = System.getProperty("autotopup.test.kafka", "");
        boolean container = switch (forced) {
            case "container" -> true;
            case "embedded" -> false;
            default -> DockerClientFactory.instance().isDockerAvailable();
        };
        TestKafka kafka = container ? new Container() : new Embedded();
        System.out.println("end-to-end tests: Kafka is " + kafka.description()
                + (container || !forced.isEmpty() ? "" : " (no Docker engine found, so no " + IMAGE + " container)"));
        return kafka;
    }

    /** The broker of the {@code apache/kafka} image, KRaft, in a container. */
    final class Container implements TestKafka {
        private final KafkaContainer kafka = new KafkaContainer(IMAGE)
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");

        Container() {
            kafka.start();
        }

        @Override
        public String bootstrapServers() {
            return kafka.getBootstrapServers();
        }

        @Override
        public String description() {
            return IMAGE + " in a container (Testcontainers)";
        }

        @Override
        public void close() {
            kafka.stop();
        }
    }

    /** spring-kafka-test's embedded KRaft broker, in this JVM. */
    final class Embedded implements TestKafka {
        private final EmbeddedKafkaKraftBroker broker = TestBrokers.singleBroker();

        @Override
        public String bootstrapServers() {
            return broker.getBrokersAsString();
        }

        @Override
        public String description() {
            return "the embedded KRaft broker";
        }

        @Override
        public void close() {
            broker.destroy();
        }
    }
}
