#!/usr/bin/env bash
# Runs the README's test command N times on a clean copy of this working tree, to catch tests that pass only
# sometimes. The copy is a fresh clone of the repository with the working tree's uncommitted changes and
# untracked files applied (--committed: HEAD only, as CI sees it), in a temporary folder; before each run it is
# reset to that state, so no run sees what an earlier one built. Prints each run's result, its time and its
# failing tests, and exits non-zero if any run failed.
#
#   scripts/verify-repeat.sh 3              # three runs of the working tree as it is
#   scripts/verify-repeat.sh 5 --committed  # five runs of HEAD
#   KEEP=1 scripts/verify-repeat.sh 1       # keep the copy and its logs afterwards (a failed run's log is always kept)
set -euo pipefail

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ $# -ge 1 && $1 =~ ^[1-9][0-9]*$ ]] || usage
runs=$1
committed=false
[[ ${2:-} == --committed ]] && committed=true
[[ $# -le 2 ]] || usage

repo=$(cd "$(dirname "$0")/.." && pwd)
# the test command is the one README.md gives in its Quickstart ("run all the tests"), as .ci/run calls it
test_command=$(grep -E '^\./mvnw .*#.*run all the tests' "$repo/README.md" | head -1 | sed -E 's/[[:space:]]*#.*$//')
[[ -n $test_command ]] || { echo "verify-repeat: no test command found in README.md's Quickstart" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/autotopup-verify.XXXXXX")
copy="$work/autotopup"
logs="$work/logs"
mkdir -p "$logs"
# the copy goes when the script ends (unless KEEP is set); the logs stay when a run failed
cleanup() {
  [[ -n ${KEEP:-} ]] && return
  rm -rf "$copy"
  [[ $failed -gt 0 ]] || rm -rf "$work"
}
failed=0
trap cleanup EXIT

git clone --quiet --no-hardlinks "$repo" "$copy"
if ! $committed; then
  (cd "$repo" && git diff --binary HEAD) > "$work/changes.patch"
  if [[ -s $work/changes.patch ]]; then
    (cd "$copy" && git apply --whitespace=nowarn "$work/changes.patch")
  fi
  (cd "$repo" && git ls-files --others --exclude-standard -z) | (cd "$repo" && xargs -0 -r cp --parents -t "$copy")
fi
(cd "$copy" && git add -A && git -c user.name=verify -c user.email=verify@localhost commit --quiet --allow-empty -m "working tree under test")

echo "verify-repeat: $runs run(s) of '$test_command' in $copy ($($committed && echo HEAD || echo 'the working tree'): $(cd "$repo" && git rev-parse --short HEAD))"
for ((run = 1; run <= runs; run++)); do
  (cd "$copy" && git clean -fdxq && git reset --hard --quiet)
  log="$logs/run-$run.log"
  started=$(date +%s)
  if (cd "$copy" && bash -c "$test_command") > "$log" 2>&1; then
    result=PASS
  else
    result=FAIL
    failed=$((failed + 1))
  fi
  took=$(($(date +%s) - started))
  tests=$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$log" \
    | awk -F'[:,]' '{ t += $2; f += $4; e += $6; s += $8 } END { printf "%d tests, %d failures, %d errors, %d skipped", t, f, e, s }')
  printf 'run %d/%d: %s in %dm%02ds (%s)\n' "$run" "$runs" "$result" $((took / 60)) $((took % 60)) "$tests"
  if [[ $result == FAIL ]]; then
    # the failing tests as Surefire and Failsafe name them, else the build error
    failures=$(grep -E '^\[ERROR\]   ' "$log" | sed 's/^\[ERROR\]   /    /' | sort -u || true)
    if [[ -n $failures ]]; then
      echo "$failures"
    else
      grep -E '^\[ERROR\]' "$log" | head -5 | sed 's/^/    /'
    fi
    echo "    log: $log"
  fi
done
echo "verify-repeat: $((runs - failed)) of $runs run(s) passed"
[[ -n ${KEEP:-} ]] && echo "verify-repeat: the copy and its logs are kept in $work"
[[ $failed -eq 0 ]]
