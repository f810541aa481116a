#!/usr/bin/env bash
# Cold start on a migrated schema: median of N starts, process start -> first 200 from /q/health/ready,
# and the RSS right after. The schema is migrated once beforehand (as the deploy/ migration job does), then
# every start runs as production does (QUARKUS_FLYWAY_MIGRATE_AT_START=false); COLDSTART_MIGRATE=true
# measures the old way (Flyway at every start) for comparison.
#   COLDSTART_SERVER=native|jvm (native: target/*-runner)   COLDSTART_RUNS=10   COLDSTART_OPTS="-Xmx48m ..."
#   COLDSTART_FLOOR=1: the same run also starts the floors of bench/start-floor, alternated with the service
#     (an empty Quarkus REST app, and the service's extensions without its code); they are built on first use,
#     the native ones with the GraalVM in GRAALVM_HOME.
set -euo pipefail

cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
RUNS=${COLDSTART_RUNS:-10}
NATIVE=$([[ "${COLDSTART_SERVER:-native}" == native ]] && echo 1 || echo 0)

# $1: the app (service, floor-bare, floor-stack), then its options: before -jar for the JVM (system
# properties), after the binary for native (same effect).
server() {
    local dir=target
    [[ $1 == floor-* ]] && dir=bench/start-floor/target/${1#floor-}
    shift
    if ((NATIVE)); then
        exec "$dir"/*-runner "$@"
    else
        exec "$JAVA" "$@" -jar "$dir/quarkus-app/quarkus-run.jar"
    fi
}

build_floor() {
    local floor=$1 artifact=bench/start-floor/target/$1/quarkus-app/quarkus-run.jar
    ((NATIVE)) && artifact=bench/start-floor/target/$floor/start-floor-$floor-runner
    [[ -e $artifact ]] && return
    echo "== building the $floor floor (bench/start-floor, log in target/coldstart-floor-build.log)"
    ./mvnw -B -f bench/start-floor/pom.xml package $([[ $floor == stack ]] && echo -Pstack) \
        $( ((NATIVE)) && echo -Dnative) >target/coldstart-floor-build.log 2>&1
}

apps=(service)
if [[ "${COLDSTART_FLOOR:-0}" == 1 ]]; then
    build_floor bare
    build_floor stack
    apps=(floor-bare floor-stack service)
fi

source bench/postgres.sh
start_migrated_postgres target/coldstart-postgres target/coldstart-postgres.log server service

# The settings of each app's start: the floors take only what they use (the stack floor, the database).
settings() {
    case $1 in
        service) echo "${props[@]}" -Dquarkus.flyway.migrate-at-start="${COLDSTART_MIGRATE:-false}" ;;
        floor-stack) echo "${db_props[@]}" ;;
    esac
}

# Starts $1 once, prints its time to ready and its RSS then, and stops it.
start_once() {
    local app=$1 port=$((20000 + RANDOM % 12000)) start pid ready rss
    start=$(date +%s%N)
    (server "$app" ${COLDSTART_OPTS:-} $(settings "$app") -Dquarkus.http.port="$port") \
        >target/coldstart-server.log 2>&1 &
    pid=$!
    wait_until_ready "$app" "$pid" "$port"
    ready=$(( ($(date +%s%N) - start) / 1000000 ))
    rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    echo "$ready $rss"
}

declare -A times rss
for run in $(seq 1 "$RUNS"); do
    for app in "${apps[@]}"; do
        result=$(start_once "$app")
        read -r ready mb <<<"$result"
        times[$app]+="$ready "; rss[$app]+="$mb "
        echo "start $run, $app: ready in ${ready} ms, RSS ${mb} MB"
    done
done

median() { printf '%s\n' $1 | sort -n | awk '{v[NR]=$1} END {print v[int(NR/2)+1], v[1], v[NR]}'; }
for app in "${apps[@]}"; do
    read -r mid low high < <(median "${times[$app]}")
    read -r mb _ _ < <(median "${rss[$app]}")
    echo "$app: median of $RUNS starts to /q/health/ready: $mid ms (min $low, max $high); RSS at ready $mb MB"
done
echo "load $(cut -d' ' -f1 /proc/loadavg)"
