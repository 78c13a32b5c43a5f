package io.autotopup.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The soak's short version: the whole system on three Kafka nodes, two instances of balance-service and
 * payment-service, a carrier feed with redeliveries, poison and strangers, and one of each fault that can cost money
 * (an instance killed inside a charge, a Kafka node and the controller killed, the gateway dropping connections
 * after charging); then every money promise counted. Prints its seed; run it again with
 * {@code -Dsoak.seed=N}.
 */
class SoakIT {

    @Test
    void no_money_is_lost_or_charged_twice_while_instances_brokers_and_the_gateway_fail() throws Exception {
        long seed = Long.getLong("soak.seed", System.currentTimeMillis());
        System.out.println("SoakIT seed: " + seed + " (-Dsoak.seed=" + seed + " repeats the schedule)");
        Soak.Options options = new Soak.Options(1.0, 60, 40, seed, 3, Duration.ofSeconds(3), Duration.ofSeconds(12),
                List.of(Faults.Kind.KILL_SERVICE_IN_CHARGE, Faults.Kind.KILL_BROKER, Faults.Kind.GATEWAY_DROPS,
                        Faults.Kind.KILL_CONTROLLER, Faults.Kind.PAUSE_SERVICE, Faults.Kind.KILL_SERVICE, Faults.Kind.GATEWAY_ERRORS),
                4, List.of("-XX:TieredStopAtLevel=1"), Duration.ofSeconds(3), Path.of("target", "soak"));

        Soak.Outcome outcome = Soak.run(Path.of("..").toAbsolutePath().normalize(), options, System.out);

        // the money faults, each at least once however slow the machine: the feed lasts until the schedule has begun four
        assertThat(outcome.faults()).as("faults were injected while the feed ran").extracting(Faults.Fault::kind)
                .contains(Faults.Kind.KILL_SERVICE_IN_CHARGE, Faults.Kind.KILL_BROKER, Faults.Kind.GATEWAY_DROPS,
                        Faults.Kind.KILL_CONTROLLER);
        assertThat(outcome.verdict().counts().get("top-ups completed")).as("top-ups were made").isPositive();
        assertThat(outcome.verdict().counts().get("distinct usage events of known subscribers")).isPositive();
        assertThat(outcome.verdict().invariants()).filteredOn(Checker.Invariant::money).hasSizeGreaterThanOrEqualTo(5)
                .allSatisfy(invariant -> assertThat(invariant.violations()).as(invariant.name() + ": " + invariant.examples())
                        .isZero());
        if (outcome.verdict().violations() == 0) {
            // kept otherwise: the brokers' data, every instance's log and threads show what broke the other promises
            Soak.deleteQuietly(outcome.work());
        }
    }
}
