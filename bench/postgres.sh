# Sourced by bench/streams.sh, bench/coldstart.sh and bench/coldstart-profile.sh: their database, and (the two
# cold-start scripts) the wait for a started service to be ready.
#
# Starts a fresh PostgreSQL under $1 with bench/EmbeddedPostgres.java (log in $2), sets postgres_pid and JDBC_URL.
start_bench_postgres() {
    local home=$1 log=$2
    if [[ ! -f target/bench-classpath.txt ]]; then
        ./mvnw -B -q dependency:build-classpath -DincludeScope=compile -Dmdep.outputFile=target/bench-classpath.txt
    fi
    rm -rf "$home/data"
    : >"$log"
    "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "target/classes:$(cat target/bench-classpath.txt)" \
        bench/EmbeddedPostgres.java "$home" >"$log" 2>&1 &
    postgres_pid=$!
    for _ in $(seq 1 720); do grep -q '^jdbc-url=' "$log" && break; sleep 0.25; done
    JDBC_URL=$(grep -m1 '^jdbc-url=' "$log" | cut -d= -f2-)
}

# The cold-start scripts' database: a fresh PostgreSQL as above, migrated once by the service command given after
# $1 and $2, as the deploy/ migration job does (log in target/coldstart-migrate.log), and stopped when the script
# exits. Sets db_props, the database's settings, and props: those and the rest every start of the service takes.
start_migrated_postgres() {
    start_bench_postgres "$1" "$2"
    trap 'kill -TERM "$postgres_pid" 2>/dev/null; wait 2>/dev/null || true' EXIT
    shift 2
    db_props=(-Dquarkus.datasource.jdbc.url="$JDBC_URL" -Dquarkus.datasource.username=postgres
        -Dquarkus.datasource.password=postgres)
    props=("${db_props[@]}" -Dprogress-hub.admin-token=coldstart-admin-token-0123456789abcdef)
    ("$@" "${props[@]}" -Dquarkus.flyway.migrate-at-start=true -Dquarkus.init-and-exit=true) \
        >target/coldstart-migrate.log 2>&1
}

# Waits until the service started as process $2 answers 200 on port $3's /q/health/ready; fails, naming $1 and
# target/coldstart-server.log, if the process exits first.
wait_until_ready() {
    local name=$1 pid=$2 port=$3
    until curl -fs -o /dev/null "http://127.0.0.1:$port/q/health/ready"; do
        kill -0 "$pid" 2>/dev/null || { echo "$name exited; see target/coldstart-server.log" >&2; exit 1; }
        sleep 0.002
    done
}
