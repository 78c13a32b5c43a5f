package io.autotopup.benchmarks;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The anchor: Kafka's own {@code ProducerPerformance} and {@code ConsumerPerformance} (kafka-tools, the classes
 * behind {@code kafka-producer-perf-test.sh} and {@code kafka-consumer-perf-test.sh}) against the same broker,
 * with records the size of an encoded {@code UsageRecorded}, acks=all and idempotence on.
 */
final class PerfAnchor {

    private static final Pattern PRODUCED = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec \\(([0-9.]+) MB/sec\\), "
            + "([0-9.]+) ms avg latency, ([0-9.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th");

    private final Jvm jvm;
    private final String bootstrap;

    PerfAnchor(Jvm jvm, String bootstrap) {
        this.jvm = jvm;
        this.bootstrap = bootstrap;
    }

    /** @param recordsPerSecond the producer rate R; latencies in ms */
    record Produced(double recordsPerSecond, double megabytesPerSecond, double p50, double p99) {
    }

    /** @param recordsPerSecond as the tool reports it (nMsg.sec), including its start-up */
    record Consumed(double recordsPerSecond, double fetchRecordsPerSecond) {
    }

    Produced produce(String topic, long records, int recordSize, String runName) throws Exception {
        String output = jvm.run(runName, List.of("-Xmx512m", "-cp", Jvm.classpath(), "org.apache.kafka.tools.ProducerPerformance",
                "--topic", topic, "--num-records", Long.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all", "enable.idempotence=true"));
        return parseProduced(output, records);
    }

    /** The summary line of ProducerPerformance for {@code records} records. */
    static Produced parseProduced(String output, long records) {
        Matcher matcher = PRODUCED.matcher(output);
        while (matcher.find()) {
            if (Long.parseLong(matcher.group(1)) == records) {
                return new Produced(Double.parseDouble(matcher.group(2)), Double.parseDouble(matcher.group(3)),
                        Double.parseDouble(matcher.group(6)), Double.parseDouble(matcher.group(8)));
            }
        }
        throw new IllegalStateException("ProducerPerformance printed no summary of " + records + " records:\n" + output);
    }

    Consumed consume(String topic, long records, String runName) throws Exception {
        String output = jvm.run(runName, List.of("-Xmx512m", "-cp", Jvm.classpath(), "org.apache.kafka.tools.ConsumerPerformance",
                "--bootstrap-server", bootstrap, "--topic", topic, "--messages", Long.toString(records), "--group", runName,
                "--timeout", "30000"));
        return parseConsumed(output, records);
    }

    /** The result line of ConsumerPerformance (nMsg.sec and fetch.nMsg.sec) once {@code records} were read. */
    static Consumed parseConsumed(String output, long records) {
        // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
        // fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
        for (String line : output.lines().toList()) {
            String[] columns = line.replaceFirst("^[^|]*\\|\\s*", "").split(",\\s*");
            if (columns.length >= 10 && columns[4].trim().matches("\\d+") && Long.parseLong(columns[4].trim()) >= records) {
                return new Consumed(Double.parseDouble(columns[5].trim()), Double.parseDouble(columns[9].trim()));
            }
        }
        throw new IllegalStateException("ConsumerPerformance printed no result for " + records + " records:\n" + output);
    }
}
