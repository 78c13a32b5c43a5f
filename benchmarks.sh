#!/usr/bin/env bash
# The benchmark suite (docs/benchmarks.md): starts its own KRaft broker and the services, measures Kafka's own
# perf tools as the anchor, then ingest (exactly-once and at-least-once, with long histories, with ten times the
# subscribers), restore, footprint, bytes appended per event, the full stack's sustainable rate and CPU shares,
# top-up latency under load, payments and texts from a backlog, and JMH micro-benchmarks; prints every figure that
# has a target beside it; writes docs/benchmarks/results.md and .json. Needs a quiet machine: about an hour and a
# half with the defaults on 2 cores. Options:
#   --runs N (3)  --subscribers N (100000)  --events N (1000000)  --crossers N (100)
#   --latency-seconds N (30, measured)  --latency-warm-up-seconds N (90, the same load before, measured apart)  --latency-rate N
#   --quick (10,000 subscribers, 100,000 events, 20 s of load after 30 s of warm-up, backlogs of 500)
#   --profile (JFR of every service started, into benchmarks/target/)
#   --only-ceiling (section 2d: what Kafka Streams alone reaches with each ledger design's appends)  --no-ceiling
#   --only-ingest | --only-many-subscribers | --only-latency | --only-backlog | --only-jmh | --no-jmh  --backlog N (2000: payments and texts drained)
#   --service-jvm "OPTIONS"  --service-arg --spring.kafka.streams.properties.commit.interval.ms=500  --output PATH
#   --balance-jar PATH (measure another balance-service build, e.g. the previous version, for a before-and-after)
#   --jar SERVICE=PATH (the same for the backlogs: --jar payment-service=/tmp/before/payment-service.jar)
#   --ingest-rate N (with --only-latency: balance-service's own ingest rate from an earlier run, offered to the full stack)
set -euo pipefail
cd "$(dirname "$0")"
if [[ "${1:-}" == "--help" ]]; then sed -n '2,17p' "$0"; exit 0; fi
./mvnw -q -B -DskipTests package
exec java -Xmx2g -Dautotopup.home="$PWD" -cp "benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
  io.autotopup.benchmarks.BenchmarkSuite "$@"
