#!/usr/bin/env bash
# Cold start on a migrated schema: median of N starts, process start -> first 200 from /q/health/ready,
# and the RSS right after. The schema is migrated once beforehand (as the deploy/ migration job does), then
# every start runs as production does (QUARKUS_FLYWAY_MIGRATE_AT_START=false); COLDSTART_MIGRATE=true
# measures the old way (Flyway at every start) for comparison.
#   COLDSTART_SERVER=native|jvm (native: target/*-runner)   COLDSTART_RUNS=10   COLDSTART_OPTS="-Xmx48m ..."
set -euo pipefail

cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
RUNS=${COLDSTART_RUNS:-10}

# Options go before -jar for the JVM (system properties), after the binary for native (same effect).
server() {
    if [[ "${COLDSTART_SERVER:-native}" == native ]]; then
        exec ./target/*-runner "$@"
    else
        exec "$JAVA" "$@" -jar target/quarkus-app/quarkus-run.jar
    fi
}

source bench/postgres.sh
start_migrated_postgres target/coldstart-postgres target/coldstart-postgres.log server

times=()
for run in $(seq 1 "$RUNS"); do
    port=$((20000 + RANDOM % 12000))
    start=$(date +%s%N)
    (server ${COLDSTART_OPTS:-} "${props[@]}" -Dquarkus.http.port="$port" \
        -Dquarkus.flyway.migrate-at-start="${COLDSTART_MIGRATE:-false}") >target/coldstart-server.log 2>&1 &
    pid=$!
    until curl -fs -o /dev/null "http://127.0.0.1:$port/q/health/ready"; do
        kill -0 "$pid" 2>/dev/null || { echo "server exited; see target/coldstart-server.log" >&2; exit 1; }
        sleep 0.002
    done
    ready=$(( ($(date +%s%N) - start) / 1000000 ))
    rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    times+=("$ready")
    echo "start $run: ready in ${ready} ms, RSS ${rss} MB"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "median of $RUNS starts to /q/health/ready: ${sorted[$((RUNS / 2))]} ms (min ${sorted[0]}, max ${sorted[-1]}); load $(cut -d' ' -f1 /proc/loadavg)"
