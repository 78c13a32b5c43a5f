package io.autotopup.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The figures the report prints are read right from Kafka's tools and summarised as medians. */
class ReportTest {

    @TempDir
    Path directory;

    @Test
    void the_producer_rate_and_latencies_are_read_from_the_summary_line_of_the_tool() {
        String output = """
                producer-perf-1| 61234 records sent, 12246.8 records/sec (0.70 MB/sec), 500.1 ms avg latency, 900.0 ms max latency.
                producer-perf-1| 100000 records sent, 114155.3 records/sec (6.53 MB/sec), 348.33 ms avg latency, 421.00 ms max \
                latency, 379 ms 50th, 399 ms 95th, 418 ms 99th, 421 ms 99.9th.
                """;

        PerfAnchor.Produced produced = PerfAnchor.parseProduced(output, 100_000);

        assertThat(produced.recordsPerSecond()).isEqualTo(114155.3);
        assertThat(produced.megabytesPerSecond()).isEqualTo(6.53);
        assertThat(produced.p50()).isEqualTo(379);
        assertThat(produced.p99()).isEqualTo(418);
        assertThatThrownBy(() -> PerfAnchor.parseProduced(output, 1_000_000)).hasMessageContaining("no summary of 1000000");
    }

    @Test
    void the_consumer_rate_is_read_from_the_result_line_under_the_header() {
        String output = """
                consumer-perf-1| start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, \
                rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
                consumer-perf-1| 2026-11-24 22:13:59:997, 2026-11-24 22:14:00:713, 5.7220, 7.9917, 100000, 139664.8045, 491, \
                225, 25.4313, 444444.4444
                """;

        PerfAnchor.Consumed consumed = PerfAnchor.parseConsumed(output, 100_000);

        assertThat(consumed.recordsPerSecond()).isEqualTo(139664.8045);
        assertThat(consumed.fetchRecordsPerSecond()).isEqualTo(444444.4444);
    }

    @Test
    void medians_of_odd_and_even_runs_and_every_run_in_the_json() throws Exception {
        assertThat(Report.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Report.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        Report report = new Report();
        report.environment("date", "2026-11-24");
        report.setting("runs", 3);
        report.add("2. Ingest", "usage events applied", "events/s", List.of(9861.0, 10093.0, 10864.0), "note");

        report.write(directory.resolve("results.md"), directory.resolve("results.json"));

        assertThat(Files.readString(directory.resolve("results.md")))
                .contains("| usage events applied | 10,093 events/s | 9,861, 10,093, 10,864 | note |");
        assertThat(Files.readString(directory.resolve("results.json"))).contains("\"median\" : 10093.0")
                .contains("9861.0, 10093.0, 10864.0");
    }

    @Test
    void each_figure_with_a_target_is_printed_beside_it_met_or_missed_by_how_much() throws Exception {
        Report report = new Report();
        report.setting("runs", 3);
        report.target(report.add("2. Ingest", "ratio events/s ÷ (R / 3)", "", List.of(0.1, 0.134, 0.2), ""), "≥", 0.6);
        report.target(report.add("5. Restore", "kill -9 until reads are right", "s", List.of(9.0, 9.5, 12.0), ""), "<", 10);
        report.target(report.add("6. Footprint", "peak RSS", "MB", List.of(600.0, 587.0, 590.0), ""), "≤", 512);
        report.reported(report.add("9. Full stack", "sustainable rate", "events/s", List.of(1600.0), ""));

        assertThat(report.targets()).extracting(Report.Target::line).containsExactly(
                "2. Ingest: ratio events/s ÷ (R / 3): 0.134; target ≥ 0.600: missed by 0.466",
                "5. Restore: kill -9 until reads are right: 9.50 s; target < 10.0 s: met",
                "6. Footprint: peak RSS: 590 MB; target ≤ 512 MB: missed by 78.0 MB",
                "9. Full stack: sustainable rate: 1,600 events/s; target reported");
        report.write(directory.resolve("results.md"), directory.resolve("results.json"));
        assertThat(Files.readString(directory.resolve("results.md")))
                .contains("### Targets")
                .contains("| 5. Restore: kill -9 until reads are right | 9.50 s | < 10.0 s | met |")
                .contains("| peak RSS | 590 MB | 600, 587, 590 |  (target ≤ 512 MB: missed by 78.0 MB) |");
        assertThat(Files.readString(directory.resolve("results.json"))).contains("\"verdict\" : \"missed by 0.466\"");
    }
}
