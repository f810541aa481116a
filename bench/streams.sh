#!/usr/bin/env bash
# The stream scenarios of issue 9 (bench/StreamsBench.java) against the JVM build or a native binary:
# starts a real PostgreSQL (bench/EmbeddedPostgres.java), the service, then the load generator.
#   BENCH_SERVER=jvm|native   what to start (native: target/*-runner, built with -Dnative)
#   BENCH_APP=target/quarkus-app   the JVM app to run (e.g. a copy of an earlier build, to compare)
#   BENCH_SCENARIOS=one-job,many-jobs,global   BENCH_DURATION=20 (seconds of events per scenario)
#   BENCH_ONE_JOB_STREAMS=10000 BENCH_ONE_JOB_RATE=2 BENCH_MANY_STREAMS=10000 BENCH_MANY_JOBS=1000
#   BENCH_MANY_RATE=100 BENCH_GLOBAL_STREAMS=1000 BENCH_GLOBAL_JOBS=100 BENCH_GLOBAL_RATE=500
#   BENCH_SERVER_OPTS   extra options for the service (e.g. -Xmx64m)
#   BENCH_BASELINE=1   first run the same scenarios against bench/BareFanout.java (no service, no database:
#                      the floor of this machine, its kernel and the load generator); 0 skips it
# The reports go to target/streams-baseline-report.md and target/streams-report.md.
set -euo pipefail

cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
APP=${BENCH_APP:-target/quarkus-app}
postgres_pid=""
server_pid=""

cleanup() {
    for pid in $server_pid $postgres_pid; do
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

source bench/postgres.sh
start_bench_postgres target/bench-postgres target/streams-postgres.log

if [[ "${BENCH_BASELINE:-1}" == 1 ]]; then
    BASE_PORT=$((20000 + RANDOM % 12000))
    "$JAVA" bench/BareFanout.java "$BASE_PORT" >target/streams-baseline-server.log 2>&1 &
    server_pid=$!
    BENCH_BASE_URL="http://127.0.0.1:$BASE_PORT" BENCH_ADMIN_TOKEN=none BENCH_SERVER_PID="$server_pid" \
        BENCH_REPORT=target/streams-baseline-report.md "$JAVA" -Xmx1g bench/StreamsBench.java
    kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
    server_pid=""
fi

ADMIN_TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
# below the kernel's ephemeral range (32768+), which 10,000 client sockets fill
PORT=$((20000 + RANDOM % 12000))
props=(-Dquarkus.datasource.jdbc.url="$JDBC_URL" -Dquarkus.datasource.username=postgres
    -Dquarkus.datasource.password=postgres -Dprogress-hub.admin-token="$ADMIN_TOKEN"
    -Dprogress-hub.limits.requests-per-second=1000000 -Dprogress-hub.limits.burst=1000000
    -Dprogress-hub.limits.streams-per-token=1000000 -Dquarkus.http.port="$PORT")
if [[ "${BENCH_SERVER:-jvm}" == native ]]; then
    # a migrated schema first, as production has it (deploy/: the migration job)
    ./target/*-runner "${props[@]}" -Dquarkus.flyway.migrate-at-start=true -Dquarkus.init-and-exit=true \
        >target/streams-migrate.log 2>&1
    ./target/*-runner ${BENCH_SERVER_OPTS:-} "${props[@]}" >target/streams-server.log 2>&1 &
else
    "$JAVA" -Xmx512m ${BENCH_SERVER_OPTS:-} "${props[@]}" -Dquarkus.flyway.migrate-at-start=true \
        -jar "$APP/quarkus-run.jar" >target/streams-server.log 2>&1 &
fi
server_pid=$!
BENCH_BASE_URL="http://127.0.0.1:$PORT" BENCH_ADMIN_TOKEN="$ADMIN_TOKEN" BENCH_SERVER_PID="$server_pid" \
    "$JAVA" -Xmx1g bench/StreamsBench.java
