package io.autotopup.platform.testing;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/** A {@link TopologyTestDriver} for the very topology a service runs, with its state in a test's folder. */
public final class TopologyDrivers {

    private TopologyDrivers() {
    }

    public static TopologyTestDriver drive(StreamsBuilder topology, String applicationId, Path stateDir) {
        return new TopologyTestDriver(topology.build(), config(applicationId, stateDir));
    }

    /** With the driver's wall clock starting at {@code wallClock}, for topologies that act on the time of day. */
    public static TopologyTestDriver drive(StreamsBuilder topology, String applicationId, Path stateDir, Instant wallClock) {
        return new TopologyTestDriver(topology.build(), config(applicationId, stateDir), wallClock);
    }

    private static Properties config(String applicationId, Path stateDir) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return config;
    }
}
