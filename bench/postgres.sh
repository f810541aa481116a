# Sourced by bench/streams.sh and bench/coldstart.sh: starts a fresh PostgreSQL under $1 with
# bench/EmbeddedPostgres.java (log in $2), sets postgres_pid and JDBC_URL.
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
