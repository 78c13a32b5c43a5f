package io.autotopup.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The latency section's split of each crossing into its hops, and of the run into warm-up and measured. */
class HopsTest {

    @TempDir
    Path directory;

    @Test
    void each_hop_runs_from_the_output_before_it_and_the_warm_up_is_kept_apart() throws Exception {
        LoadLatency.Hops hops = new LoadLatency.Hops();
        hops.measuredFrom.set(10_000);
        // warm-up: sent at 1 s, BalanceChanged read at 9 s, TopUpRequested at 9.2 s, TopUpCompleted at 9.5 s
        hops.balanceChanged("crosser-1", 9_000);
        hops.requested("crosser-1", 9_200);
        hops.completed("crosser-1", 1_000, 9_500);
        // measured: sent at 20 s; 200 ms in balance-service, 100 in rule-engine-service, 300 in payment-service
        hops.balanceChanged("crosser-1", 20_200);
        hops.requested("crosser-1", 20_300);
        hops.requested("crosser-1", 20_350);
        hops.completed("crosser-1", 20_000, 20_600);

        assertThat(hops.warmUp.getTotalCount()).isOne();
        assertThat(hops.warmUp.getMaxValue()).isEqualTo(highest(hops.warmUp, 8_500));
        assertThat(hops.completed.getTotalCount()).isOne();
        assertThat(hops.completed.getMaxValue()).isEqualTo(highest(hops.completed, 600));
        // the warm-up's crossing is in no hop; a second TopUpRequested (a redelivery) does not move the first one's time
        assertThat(hops.byHop.values()).allSatisfy(histogram -> assertThat(histogram.getTotalCount()).isOne());
        assertThat(hops.byHop.get(LoadLatency.HOPS.get(0)).getMaxValue()).isEqualTo(highest(hops.byHop.get(LoadLatency.HOPS.get(0)), 200));
        assertThat(hops.byHop.get(LoadLatency.HOPS.get(1)).getMaxValue()).isEqualTo(highest(hops.byHop.get(LoadLatency.HOPS.get(1)), 100));
        assertThat(hops.byHop.get(LoadLatency.HOPS.get(2)).getMaxValue()).isEqualTo(highest(hops.byHop.get(LoadLatency.HOPS.get(2)), 300));

        Path csv = directory.resolve("crossings.csv");
        hops.write(csv);
        assertThat(Files.readAllLines(csv)).containsExactly(
                "crossed at (epoch ms),measured,to TopUpCompleted,balance-service,rule-engine-service,payment-service",
                "1000,false,8500,8000,200,300", "20000,true,600,200,100,300");
    }

    @Test
    void a_crossing_whose_outputs_were_not_all_seen_counts_whole_but_in_no_hop() {
        LoadLatency.Hops hops = new LoadLatency.Hops();
        // the watcher started after this crossing's BalanceChanged was written
        hops.requested("crosser-2", 5_100);
        hops.completed("crosser-2", 5_000, 5_400);

        assertThat(hops.completed.getTotalCount()).isOne();
        assertThat(hops.byHop.values()).allSatisfy(histogram -> assertThat(histogram.getTotalCount()).isZero());
        assertThat(LoadLatency.Hops.describe(hops.byHop)).contains(LoadLatency.HOPS.get(0) + " 0 / 0 ms");
    }

    /** The value the histogram reports for {@code millis} (it keeps 3 significant digits of microseconds). */
    private static long highest(Histogram histogram, long millis) {
        return histogram.highestEquivalentValue(millis * 1000);
    }
}
