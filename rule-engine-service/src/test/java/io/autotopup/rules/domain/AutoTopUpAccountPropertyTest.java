package io.autotopup.rules.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotopup.rules.domain.Emission.TopUpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties over random journeys: whatever a subscriber's usage and payment outcomes are, never two
 * top-ups in flight, never more per day than the cap, and the same events replayed give the same request
 * ids. Journeys come from fixed seeds, so a failure names the seed that reproduces it.
 */
class AutoTopUpAccountPropertyTest {

    private static final RulePolicy POLICY = new RulePolicy(Map.of("LAK", 5_000_000L), Map.of("LAK", 10_000L));
    private static final AutoTopUpRule RULE = new AutoTopUpRule(10_000, AutoTopUpRule.Mode.FIXED, 50_000, null, "LAK",
            null, 2, null, ZoneId.of("Asia/Vientiane"), true);
    private static final Instant START = Instant.parse("2026-11-24T00:00:00Z");

    /** What happens next to the subscriber: usage, or the outcome of the top-up in flight. */
    sealed interface Step permits Usage, Outcome {
    }

    record Usage(long charge, int minutesLater) implements Step {
    }

    record Outcome(boolean succeeded, int minutesLater) implements Step {
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void never_two_in_flight_never_over_the_daily_cap_and_replays_ask_the_same(long seed) {
        List<Step> journey = journey(new SplittableRandom(seed));

        List<String> first = run(journey);
        List<String> replayed = run(journey);

        assertThat(replayed).isEqualTo(first);
    }

    private static List<Step> journey(SplittableRandom random) {
        List<Step> steps = new ArrayList<>();
        int length = random.nextInt(1, 61);
        for (int i = 0; i < length; i++) {
            int minutesLater = random.nextInt(0, 601);
            steps.add(random.nextInt(4) < 3 ? new Usage(random.nextLong(0, 40_001), minutesLater)
                    : new Outcome(random.nextBoolean(), minutesLater));
        }
        return steps;
    }

    /** Runs a journey through a fresh account, checking the invariants at every step; returns the request ids. */
    private static List<String> run(List<Step> journey) {
        AutoTopUpAccount account = new AutoTopUpAccount();
        List<String> requestIds = new ArrayList<>();
        Map<LocalDate, Integer> perDay = new HashMap<>();
        Instant now = START;
        long balance = 30_000;
        long version = 0;
        String inFlight = null;
        long inFlightAmount = 0;
        for (Step step : journey) {
            List<Emission> emissions;
            if (step instanceof Usage usage) {
                now = now.plus(Duration.ofMinutes(usage.minutesLater()));
                balance -= usage.charge();
                version++;
                emissions = account.onBalanceChanged("sub-1", RULE, new BalanceObservation("bc-" + version, balance, "LAK",
                        false, "usage-" + version, version), now, POLICY);
            } else {
                Outcome outcome = (Outcome) step;
                now = now.plus(Duration.ofMinutes(outcome.minutesLater()));
                if (inFlight == null) {
                    continue;
                }
                if (outcome.succeeded()) {
                    account.onTopUpCompleted(inFlight, now);
                    balance += inFlightAmount;
                    version++;
                    String credited = inFlight;
                    inFlight = null;
                    emissions = account.onBalanceChanged("sub-1", RULE, new BalanceObservation("bc-" + version, balance,
                            "LAK", true, credited, version), now, POLICY);
                } else {
                    inFlight = null;
                    emissions = account.onTopUpFailed(account.inFlightRequestId(), true, "CARD_DECLINED", now);
                }
                inFlightAmount = 0;
            }
            for (Emission emission : emissions) {
                if (emission instanceof TopUpRequest request) {
                    assertThat(inFlight).as("a second top-up while one is in flight").isNull();
                    inFlight = request.requestId();
                    inFlightAmount = request.amount();
                    requestIds.add(request.requestId());
                    int today = perDay.merge(LocalDate.ofInstant(now, RULE.timeZone()), 1, Integer::sum);
                    assertThat(today).as("top-ups on one day").isLessThanOrEqualTo(RULE.maxTopUpsPerDay());
                }
            }
            assertThat(account.inFlightRequestId()).isEqualTo(inFlight);
        }
        return requestIds;
    }
}
