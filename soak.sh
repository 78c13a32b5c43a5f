#!/usr/bin/env bash
# The fault soak (docs/reliability.md): three KRaft nodes from Kafka's jars, the services as separate JVMs (two
# instances each of balance-service and payment-service), the sandbox gateway and SMS centre; a carrier's feed with
# redeliveries, out-of-order events, poison records and unknown numbers; faults on a seeded schedule (kill -9 of
# instances and Kafka nodes, SIGSTOP, gateway errors, drops and time-outs, SMS centre outages); then a checker that
# counts every record in and out. Writes docs/reliability/soak-<time>.md, .json and -lag.png; exits 1 on any money
# violation. Everything listens on 127.0.0.1 and stops by itself. Options:
#   --minutes N (30)  --subscribers N (10000)  --rate N usage events/s (600)  --seed N (the time)
#   --fault-every S (12: seconds between faults)  --pause S (20: how long a SIGSTOP lasts)  --output DIR
#   --jvm-option OPT (again for more: given to every Kafka node's and service's JVM)
set -euo pipefail
cd "$(dirname "$0")"
if [[ "${1:-}" == "--help" ]]; then sed -n '2,10p' "$0"; exit 0; fi
./mvnw -q -B -DskipTests package
exec java -Xmx2g -Dautotopup.home="$PWD" -cp "soak/target/soak-0.1.0-SNAPSHOT.jar:soak/target/lib/*" \
  io.autotopup.soak.Soak "$@"
