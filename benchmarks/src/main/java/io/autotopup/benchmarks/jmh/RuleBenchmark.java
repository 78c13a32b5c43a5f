package io.autotopup.benchmarks.jmh;

import io.autotopup.rules.domain.AutoTopUpAccount;
import io.autotopup.rules.domain.AutoTopUpRule;
import io.autotopup.rules.domain.BalanceObservation;
import io.autotopup.rules.domain.Emission;
import io.autotopup.rules.domain.RulePolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The rule engine's decision for one balance change: the common case (balance above the threshold, nothing to
 * do) and a crossing (a top-up asked for, then completed so the next crossing asks again).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RuleBenchmark {

    private static final RulePolicy POLICY = new RulePolicy(Map.of("LAK", 5_000_000L), Map.of("LAK", 10_000L));
    private static final AutoTopUpRule RULE = AutoTopUpRule.fixed(10_000, 50_000, "LAK", null);
    private static final Instant AT = Instant.parse("2026-11-24T03:00:00Z");

    private final AutoTopUpAccount quiet = new AutoTopUpAccount();
    private final AutoTopUpAccount crossing = new AutoTopUpAccount();
    private long version;

    @Benchmark
    public List<Emission> aboveTheThreshold() {
        version++;
        return quiet.onBalanceChanged("sub-1", RULE, new BalanceObservation("bc-" + version, 40_000, "LAK", false,
                "unitel:e-" + version, version), AT, POLICY);
    }

    @Benchmark
    public List<Emission> crossingTheThreshold() {
        version++;
        List<Emission> emissions = crossing.onBalanceChanged("sub-2", RULE, new BalanceObservation("bc-" + version, 5_000,
                "LAK", false, "unitel:e-" + version, version), AT, POLICY);
        if (crossing.inFlightRequestId() != null) {
            crossing.onTopUpCompleted(crossing.inFlightRequestId(), AT);
        }
        return emissions;
    }
}
