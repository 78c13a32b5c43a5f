package io.autotopup.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's time to come back per kind of fault. */
class RecoveryTest {

    @Test
    void a_part_that_did_not_come_back_is_counted_apart_and_left_out_of_the_times() {
        List<Faults.Fault> faults = List.of(
                new Faults.Fault(1_000, Faults.Kind.KILL_SERVICE, "balance-1", 40_000),
                new Faults.Fault(2_000, Faults.Kind.KILL_SERVICE, "payment-1", -1),
                new Faults.Fault(3_000, Faults.Kind.KILL_SERVICE, "payment-2", 120_000),
                new Faults.Fault(4_000, Faults.Kind.KILL_BROKER, "kafka-2", 70_000));

        Map<String, Map<String, Long>> recovery = Soak.recovery(faults);

        assertThat(recovery.get("KILL_SERVICE")).containsEntry("count", 3L).containsEntry("notBack", 1L)
                .containsEntry("p50Ms", 40_000L).containsEntry("p99Ms", 120_000L);
        assertThat(recovery.get("KILL_BROKER")).containsEntry("count", 1L).containsEntry("notBack", 0L)
                .containsEntry("p50Ms", 70_000L);
    }
}
