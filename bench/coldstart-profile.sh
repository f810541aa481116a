#!/usr/bin/env bash
# Where a native cold start's CPU goes: records PROFILE_RUNS starts (process start -> first 200 from
# /q/health/ready, on a migrated schema, as bench/coldstart.sh runs them) with perf, then bench/StartProfile.java
# splits the samples by thread, by Quarkus start step and within the configuration's start. Needs perf, and an
# executable built with frame pointers and symbols (a stripped one gives stacks one frame deep):
#   ./mvnw package -Dnative -DskipTests \
#     -Dquarkus.native.additional-build-args=-H:+PreserveFramePointer,-H:-DeleteLocalSymbols,-H:-StripDebugInfo
#   PROFILE_RUNS=3   PROFILE_OPTS="-Dsome.setting=..." (added to every start)
set -euo pipefail

cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
RUNS=${PROFILE_RUNS:-3}
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }
runner=$(ls target/*-runner)

source bench/postgres.sh
start_migrated_postgres target/coldstart-postgres target/coldstart-postgres.log "$runner"

: >target/coldstart-profile.txt
for run in $(seq 1 "$RUNS"); do
    port=$((20000 + RANDOM % 12000))
    # shellcheck disable=SC2086 # PROFILE_OPTS is a list of options
    perf record -q -e cpu-clock -F 10000 -g -o target/coldstart-profile.data -- "$runner" "${props[@]}" \
        -Dquarkus.http.port="$port" -Dquarkus.flyway.migrate-at-start=false ${PROFILE_OPTS:-} \
        >target/coldstart-server.log 2>&1 &
    pid=$!
    wait_until_ready server "$pid" "$port"
    # the profile ends at ready: the service is killed there (no shutdown in the samples); perf then writes
    pkill -KILL -f "^$runner .*-Dquarkus.http.port=$port" || true
    wait "$pid" 2>/dev/null || true
    perf script -i target/coldstart-profile.data 2>/dev/null >>target/coldstart-profile.txt
    echo "start $run recorded"
done
"$JAVA" bench/StartProfile.java <target/coldstart-profile.txt
