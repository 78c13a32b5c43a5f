#!/usr/bin/env bash
# Builds autotopup and starts the whole system locally: Kafka's own broker (KRaft), the sandbox payment
# gateway and SMS centre, and the four services. Needs only a JDK 17+. Try: ./devstack.sh --demo
set -euo pipefail
cd "$(dirname "$0")"
./mvnw -q -B -DskipTests package
exec java -Dautotopup.home="$PWD" -cp "devstack/target/devstack-0.1.0-SNAPSHOT.jar:devstack/target/lib/*" \
  io.autotopup.devstack.DevStack "$@"
