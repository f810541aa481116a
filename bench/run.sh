#!/usr/bin/env bash
# progress-hub's benchmark, one command: builds the app, starts a real PostgreSQL (embedded binaries, no Docker),
# starts the service, runs bench/Bench.java against it and prints the report (also target/bench-report.md).
# Needs only a JDK >= 21 (JAVA_HOME or java on the PATH). Settings, all optional:
#   BENCH_DURATION=15      seconds measured per scenario (after BENCH_WARMUP=3 s of warm-up)
#   BENCH_CONCURRENCY=32   concurrent HTTP clients (pollers, ingest workers)
#   BENCH_POLL_JOBS=200    jobs the pollers cycle through
#   BENCH_BATCH_SIZE=100   events per batched ingest request
#   BENCH_SSE_CLIENTS=1000 SSE clients on one job's stream
#   BENCH_SSE_RATE=20      events per second posted while they listen
#   BENCH_INGEST_CLIENTS=16 clients of the single-event, crawler and database-limit scenarios
#   BENCH_INGEST_JOBS=32   jobs those clients share in the many-jobs scenarios
#   BENCH_POLL_CONNECTIONS=64 connections of the poll-versus-health scenario
#   BENCH_INGEST_WARMUP=90 seconds of unmeasured single-request ingest before c1/c32/c2 (the JVM's JIT)
#   BENCH_SCENARIOS=a,a64,db,b1,b2,c1,c32,c2,d   run only these (e.g. BENCH_SCENARIOS=db,c1,c32,c2 for ingest)
#   BENCH_SKIP_BUILD=1     reuse target/ from an earlier run
#   BENCH_JAVA_OPTS=...    extra options for the service's JVM, e.g. a JFR recording:
#                          "-XX:StartFlightRecording=filename=target/bench.jfr,settings=profile"
set -euo pipefail

cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
POSTGRES_HOME=target/bench-postgres
CLASSPATH_FILE=target/bench-classpath.txt
POSTGRES_LOG=target/bench-postgres.log
SERVER_LOG=target/bench-server.log
postgres_pid=""
server_pid=""

main() {
    trap stop_everything EXIT
    trap 'exit 130' INT TERM HUP   # so the EXIT trap also runs when interrupted
    raise_file_limit
    build
    start_postgres
    start_service
    run_load
}

build() {
    if [[ "${BENCH_SKIP_BUILD:-}" == 1 && -f target/quarkus-app/quarkus-run.jar && -f "$CLASSPATH_FILE" ]]; then
        return
    fi
    echo "== building the app"
    ./mvnw -B -q package -DskipTests
    # scope compile = compile + provided: the project's classes, zonky embedded-postgres and the JDBC driver
    ./mvnw -B -q dependency:build-classpath -DincludeScope=compile -Dmdep.outputFile="$CLASSPATH_FILE"
}

start_postgres() {
    echo "== starting PostgreSQL under $POSTGRES_HOME"
    rm -rf "$POSTGRES_HOME/data"   # a fresh database each run; the extracted binaries are kept
    : >"$POSTGRES_LOG"             # emptied here, not by the child's redirect: no stale URL from a former run
    "$JAVA" -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
        -cp "target/classes:$(cat "$CLASSPATH_FILE")" bench/EmbeddedPostgres.java "$POSTGRES_HOME" \
        >"$POSTGRES_LOG" 2>&1 &
    postgres_pid=$!
    JDBC_URL=$(await_line "$POSTGRES_LOG" jdbc-url "$postgres_pid" 180)
    STATS_URL=$(await_line "$POSTGRES_LOG" stats-url "$postgres_pid" 10)
}

start_service() {
    ADMIN_TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
    PORT=$(free_port)
    echo "== starting the service on port $PORT"
    # shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
    "$JAVA" -Xmx512m ${BENCH_JAVA_OPTS:-} \
        -Dquarkus.datasource.jdbc.url="$JDBC_URL" \
        -Dquarkus.datasource.username=postgres \
        -Dquarkus.datasource.password=postgres \
        -Dprogress-hub.admin-token="$ADMIN_TOKEN" \
        -Dprogress-hub.limits.requests-per-second=1000000 \
        -Dprogress-hub.limits.burst=1000000 \
        -Dprogress-hub.limits.streams-per-token=1000000 \
        -Dquarkus.http.port="$PORT" \
        -jar target/quarkus-app/quarkus-run.jar >"$SERVER_LOG" 2>&1 &
    server_pid=$!
}

run_load() {
    echo "== running the scenarios (Bench.java waits for /q/health/ready first)"
    BENCH_BASE_URL="http://127.0.0.1:$PORT" \
    BENCH_ADMIN_TOKEN="$ADMIN_TOKEN" \
    BENCH_SERVER_PID="$server_pid" \
    BENCH_STATS_URL="$STATS_URL" \
    BENCH_JDBC_URL="$JDBC_URL" \
    BENCH_CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)" \
    BENCH_REPORT=target/bench-report.md \
        "$JAVA" -cp "$(tr ':' '\n' <"$CLASSPATH_FILE" | grep '/postgresql-[0-9.]*\.jar$' | head -1)" bench/Bench.java
}

# Waits until a process writes "<name>=<value>" to its log; prints the value.
await_line() {
    local log=$1 name=$2 pid=$3 seconds=$4
    for ((tick = 0; tick < seconds * 4; tick++)); do
        if grep -q "^$name=" "$log" 2>/dev/null; then
            grep -m1 "^$name=" "$log" | cut -d= -f2-
            return
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "process $pid exited before printing $name; see $log" >&2
            exit 1
        fi
        sleep 0.25
    done
    echo "no $name in $log after ${seconds}s" >&2
    exit 1
}

free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free port found" >&2
    exit 1
}

# Every SSE client is a socket on both sides; the service and the client inherit this limit.
raise_file_limit() {
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    local needed=$(( ${BENCH_SSE_CLIENTS:-1000} * 2 + 1000 ))
    if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt "$needed" ]]; then
        echo "warning: open file limit $(ulimit -n) is below $needed; lower BENCH_SSE_CLIENTS or raise it" >&2
    fi
}

# SIGTERM first: the service shuts down cleanly, the launcher's shutdown hook stops PostgreSQL.
stop_everything() {
    stop "$server_pid" service
    stop "$postgres_pid" PostgreSQL
}

stop() {
    local pid=$1 what=$2
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.25
    done
    echo "$what (pid $pid) did not stop in 15 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
}

main "$@"
