#!/usr/bin/env bash
# topupctl: tail, export, import and replay autotopup's topics; run scenarios; generate carrier traffic.
# Builds the tool on first use (or when its sources changed), then runs it. See docs/replay.md.
#   ./topupctl.sh --help
#   ./topupctl.sh scenario run scenarios/*.yaml
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
jar="$root/topupctl/target/topupctl-0.1.0-SNAPSHOT-exec.jar"
if [[ ! -f "$jar" ]] || [[ -n "$(find "$root/topupctl/src/main" "$root/schemas/src/main" -newer "$jar" -type f -print -quit)" ]]; then
  (cd "$root" && ./mvnw -q -B -DskipTests -pl topupctl -am package) >&2
fi
# against the devstack, topupctl is its client "topupctl", whose secret the devstack keeps
if [[ -z "${TOPUPCTL_CLIENT_SECRET:-}" && -f "$root/.devstack/topupctl-client-secret" ]]; then
  TOPUPCTL_CLIENT_SECRET="$(cat "$root/.devstack/topupctl-client-secret")"
  export TOPUPCTL_CLIENT_SECRET
fi
# and reads records framed with a schema id through the devstack's registry, when it runs one
if [[ -z "${SCHEMA_REGISTRY_URL:-}" && -f "$root/.devstack/schema-registry-url" ]]; then
  SCHEMA_REGISTRY_URL="$(cat "$root/.devstack/schema-registry-url")"
  export SCHEMA_REGISTRY_URL
fi
exec java -jar "$jar" "$@"
