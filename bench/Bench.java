import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * progress-hub's benchmark: drives a running service over HTTP and reports throughput, latency, memory and CPU
 * of the paths the project promises to be fast. JDK only; started by {@code bench/run.sh}, which passes the
 * service's address, pid and admin token, and the database stats URL of {@code bench/EmbeddedPostgres.java}.
 *
 * <p>Scenarios: poll of unchanged jobs (304, no database read), batched ingest (own jobs, then one shared job),
 * single-event ingest, SSE fan-out, idle memory. Load is closed-loop: each client sends its next request when
 * the previous answer arrived, so latency includes the client's own time on the shared cores.
 */
public class Bench {

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromEnvironment();
        ServerProcess server = new ServerProcess(settings.serverPid(), settings.clockTicksPerSecond());
        Api admin = new Api(settings.baseUrl(), settings.adminToken());
        admin.awaitReady(Duration.ofMinutes(3), server);

        Report report = new Report(settings);
        report.memoryAtStart(server.sample());
        Api api = admin.withToken(admin.createToken("bench", "default", "ingest", "read"));
        PostgresStats database = new PostgresStats(settings.statsUrl());

        if (settings.runs("a")) {
            new PollScenario(settings, api, server, database).run(report);
        }
        if (settings.runs("a64")) {
            new PollVersusHealthScenario(settings, api, server).run(report);
        }
        DatabaseLimitScenario databaseLimit = settings.runs("db") && settings.jdbcUrl() != null
                ? new DatabaseLimitScenario(settings) : null;
        boolean ratios = settings.runs("c1") || settings.runs("c32") || settings.runs("c2");
        if (databaseLimit != null && !ratios) {
            databaseLimit.run(report, "");
        }
        IngestScenario ingest = new IngestScenario(settings, api, server);
        if (ratios) {
            ingest.warmUpSingleRequests(report);
        }
        if (settings.runs("b1")) {
            ingest.runBatchedOwnJobs(report);
        }
        if (settings.runs("b2")) {
            ingest.runBatchedOneJob(report);
        }
        // Each ratio's baseline is measured right before and right after its scenario: this machine's speed
        // drifts by more than the effects measured within minutes, so a baseline taken once is not beside it.
        String previous = null;
        for (String scenario : List.of("c1", "c32", "c2")) {
            if (!settings.runs(scenario)) {
                continue;
            }
            if (databaseLimit != null) {
                databaseLimit.run(report, previous == null ? " (before " + scenario + ")"
                        : " (after " + previous + ", before " + scenario + ")");
            }
            switch (scenario) {
                case "c1" -> ingest.runSingleEventsOneJob(report);
                case "c32" -> ingest.runSingleEventsManyJobs(report);
                default -> ingest.runCrawlerReports(report);
            }
            previous = scenario;
        }
        if (databaseLimit != null && previous != null) {
            databaseLimit.run(report, " (after " + previous + ")");
        }
        if (settings.runs("d")) {
            new FanoutScenario(settings, api, server).run(report);
        }

        Thread.sleep(settings.settle().toMillis());
        report.memoryAtEnd(server.sample());
        report.write(settings.reportPath());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Settings

    /** What run.sh passes in; every knob has a default so a bare {@code bench/run.sh} is a full run. */
    record Settings(String baseUrl, String adminToken, long serverPid, String statsUrl, Path reportPath,
            Duration duration, Duration warmup, Duration settle, int concurrency, int pollJobs, int batchSize,
            int sseClients, int sseEventsPerSecond, long clockTicksPerSecond, String jdbcUrl, Set<String> scenarios,
            int ingestClients, int ingestJobs, int pollConnections, Duration ingestWarmup) {

        /** Every scenario, in the order they run; BENCH_SCENARIOS picks some (e.g. {@code db,c1,c32}). */
        static final List<String> ALL = List.of("a", "a64", "db", "b1", "b2", "c1", "c32", "c2", "d");

        boolean runs(String scenario) {
            return scenarios.contains(scenario);
        }

        /** The same settings, with no warm-up before a measured window (the caller warmed up already). */
        static Settings withoutWarmup(Settings s) {
            return new Settings(s.baseUrl, s.adminToken, s.serverPid, s.statsUrl, s.reportPath, s.duration,
                    Duration.ZERO, s.settle, s.concurrency, s.pollJobs, s.batchSize, s.sseClients,
                    s.sseEventsPerSecond, s.clockTicksPerSecond, s.jdbcUrl, s.scenarios, s.ingestClients,
                    s.ingestJobs, s.pollConnections, s.ingestWarmup);
        }

        static Settings fromEnvironment() {
            return new Settings(
                    required("BENCH_BASE_URL"),
                    required("BENCH_ADMIN_TOKEN"),
                    Long.parseLong(required("BENCH_SERVER_PID")),
                    required("BENCH_STATS_URL"),
                    Path.of(optional("BENCH_REPORT", "target/bench-report.md")),
                    Duration.ofSeconds(number("BENCH_DURATION", 15)),
                    Duration.ofSeconds(number("BENCH_WARMUP", 3)),
                    // PostgreSQL flushes an idle backend's counters within 10 s (PGSTAT_IDLE_INTERVAL)
                    Duration.ofSeconds(number("BENCH_STATS_SETTLE", 11)),
                    (int) number("BENCH_CONCURRENCY", 32),
                    (int) number("BENCH_POLL_JOBS", 200),
                    (int) number("BENCH_BATCH_SIZE", 100),
                    (int) number("BENCH_SSE_CLIENTS", 1000),
                    (int) number("BENCH_SSE_RATE", 20),
                    number("BENCH_CLK_TCK", 100),
                    optional("BENCH_JDBC_URL", null),
                    Set.copyOf(Arrays.asList(optional("BENCH_SCENARIOS", String.join(",", ALL)).split(","))),
                    (int) number("BENCH_INGEST_CLIENTS", 16),
                    (int) number("BENCH_INGEST_JOBS", 32),
                    (int) number("BENCH_POLL_CONNECTIONS", 64),
                    Duration.ofSeconds(number("BENCH_INGEST_WARMUP", 90)));
        }

        private static String required(String name) {
            String value = System.getenv(name);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException(name + " is not set; start the benchmark with bench/run.sh");
            }
            return value;
        }

        private static String optional(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value;
        }

        private static long number(String name, long fallback) {
            return Long.parseLong(optional(name, Long.toString(fallback)));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The server process and the database, observed from outside

    /** One reading of the server's process: resident memory, threads, CPU time used so far. */
    record ServerSample(long rssKb, int threads, double cpuSeconds) {
    }

    /** Reads /proc/&lt;pid&gt; of the service: VmRSS and Threads from status, utime + stime from stat. */
    record ServerProcess(long pid, long clockTicksPerSecond) {

        ServerSample sample() {
            Map<String, String> status = status();
            return new ServerSample(kilobytes(status.get("VmRSS")), Integer.parseInt(status.get("Threads").strip()),
                    cpuSeconds());
        }

        boolean alive() {
            return Files.exists(Path.of("/proc", Long.toString(pid)));
        }

        private Map<String, String> status() {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : readProc("status").split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
            return fields;
        }

        private static long kilobytes(String value) {
            return Long.parseLong(value.strip().split("\\s+")[0]);
        }

        private double cpuSeconds() {
            return (double) cpuTicks(readProc("stat"), false) / clockTicksPerSecond;
        }

        /**
         * utime + stime of a /proc/pid/stat line (fields 14 and 15), plus its exited children's (16 and 17) when
         * asked; the command name in parentheses may hold spaces.
         */
        static long cpuTicks(String stat, boolean withChildren) {
            String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(afterName[11]) + Long.parseLong(afterName[12]);
            return withChildren ? ticks + Long.parseLong(afterName[13]) + Long.parseLong(afterName[14]) : ticks;
        }

        private String readProc(String file) {
            try {
                return Files.readString(Path.of("/proc", Long.toString(pid), file));
            } catch (IOException e) {
                throw new IllegalStateException("the service (pid " + pid + ") is gone", e);
            }
        }
    }

    /** PostgreSQL's activity counters of the service's database, from the stats URL of EmbeddedPostgres.java. */
    record PostgresStats(String statsUrl) {

        Map<String, Long> read() throws IOException, InterruptedException {
            HttpResponse<String> answer = Api.HTTP.send(HttpRequest.newBuilder(URI.create(statsUrl)).build(),
                    BodyHandlers.ofString());
            Map<String, Long> counters = new LinkedHashMap<>();
            for (String pair : answer.body().strip().split(" ")) {
                String[] nameAndValue = pair.split("=", 2);
                if (nameAndValue[0].equals("error")) {
                    throw new IllegalStateException("database stats: " + answer.body());
                }
                counters.put(nameAndValue[0], Long.parseLong(nameAndValue[1]));
            }
            return counters;
        }

        static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
            Map<String, Long> delta = new LinkedHashMap<>();
            after.forEach((name, value) -> delta.put(name, value - before.getOrDefault(name, 0L)));
            return delta;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // HTTP

    /** The service's API as the benchmark uses it: one shared HTTP/1.1 client, keep-alive connections. */
    record Api(String baseUrl, String token) {

        static final HttpClient HTTP = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        private static final Duration TIMEOUT = Duration.ofSeconds(30);
        private static final int CONNECT_ATTEMPTS = 5;
        private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
        private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");
        private static final Pattern CURRENT = Pattern.compile("\"current\"\\s*:\\s*(\\d+)");
        private static final Pattern ISSUES = Pattern.compile("\"issues\"\\s*:\\s*(\\d+)");

        Api withToken(String otherToken) {
            return new Api(baseUrl, otherToken);
        }

        void awaitReady(Duration patience, ServerProcess server) throws InterruptedException {
            Instant deadline = Instant.now().plus(patience);
            while (Instant.now().isBefore(deadline)) {
                if (!server.alive()) {
                    throw new IllegalStateException("the service exited during start; see target/bench-server.log");
                }
                if (status(HttpRequest.newBuilder(uri("/q/health/ready")).build()) == 200) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new IllegalStateException("the service was not ready within " + patience);
        }

        String createToken(String name, String project, String... scopes) throws IOException, InterruptedException {
            String body = "{\"name\":\"%s\",\"project\":\"%s\",\"scopes\":[\"%s\"]}"
                    .formatted(name, project, String.join("\",\"", scopes));
            HttpResponse<String> answer = send(post("/api/tokens", body));
            expect(answer, 201);
            return group(TOKEN, answer.body()).orElseThrow();
        }

        /** Posts events (one JSON object or an array); returns the answer, 200 when applied. */
        HttpResponse<String> postEvents(String jobId, String eventsJson) throws IOException, InterruptedException {
            return send(post("/api/jobs/" + jobId + "/events", eventsJson));
        }

        HttpResponse<String> snapshot(String jobId, String ifNoneMatch) throws IOException, InterruptedException {
            HttpRequest.Builder request = authorized("/api/jobs/" + jobId).GET();
            if (ifNoneMatch != null) {
                request.header("If-None-Match", ifNoneMatch);
            }
            return send(request.build());
        }

        int health() throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(uri("/q/health/live")).timeout(TIMEOUT).GET().build()).statusCode();
        }

        long progressCurrent(String jobId) throws IOException, InterruptedException {
            HttpResponse<String> answer = snapshot(jobId, null);
            expect(answer, 200);
            return Long.parseLong(group(CURRENT, answer.body()).orElseThrow());
        }

        /** The {@code itemsByType.issues} a crawler accumulated in the job. */
        long issuesCounted(String jobId) throws IOException, InterruptedException {
            HttpResponse<String> answer = snapshot(jobId, null);
            expect(answer, 200);
            return Long.parseLong(group(ISSUES, answer.body()).orElseThrow());
        }

        static long accepted(String ingestAnswer) {
            return group(ACCEPTED, ingestAnswer).map(Long::parseLong).orElse(0L);
        }

        /** Sum of the Prometheus samples of {@code name} whose labels contain {@code labelFilter}. */
        double metric(String name, String labelFilter) throws IOException, InterruptedException {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/q/metrics")).build());
            return answer.body().lines()
                    .filter(line -> (line.startsWith(name + "{") || line.startsWith(name + " "))
                            && line.contains(labelFilter))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
        }

        HttpRequest streamRequest(String jobId) {
            return HttpRequest.newBuilder(uri("/api/jobs/" + jobId + "/stream?access_token=" + token))
                    .header("Accept", "text/event-stream")
                    .GET()
                    .build();
        }

        private HttpRequest post(String path, String json) {
            return authorized(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build();
        }

        private HttpRequest.Builder authorized(String path) {
            return HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).header("Authorization", "Bearer " + token);
        }

        private URI uri(String path) {
            return URI.create(baseUrl + path);
        }

        /** A refused or timed-out connect sent nothing, so even a POST is safe to try again. */
        private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
            for (int attempt = 1; ; attempt++) {
                try {
                    return HTTP.send(request, BodyHandlers.ofString());
                } catch (java.net.ConnectException e) {
                    if (attempt == CONNECT_ATTEMPTS) {
                        throw e;
                    }
                    Thread.sleep(200L * attempt);
                }
            }
        }

        private static int status(HttpRequest request) throws InterruptedException {
            try {
                return HTTP.send(request, BodyHandlers.discarding()).statusCode();
            } catch (IOException notYetListening) {
                return -1;
            }
        }

        static void expect(HttpResponse<String> answer, int status) {
            if (answer.statusCode() != status) {
                throw new IllegalStateException(answer.request().method() + " " + answer.uri().getPath() + " answered "
                        + answer.statusCode() + " (expected " + status + "): " + answer.body());
            }
        }

        private static Optional<String> group(Pattern pattern, String text) {
            Matcher matcher = pattern.matcher(text);
            return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Closed-loop load and its measurements

    /** One simulated client: sends one request and says whether the answer was the expected one. */
    interface Client {
        boolean sendOne() throws Exception;
    }

    /** Latencies of one phase, in nanoseconds, sorted. */
    record Latencies(long[] sortedNanos) {

        static Latencies of(List<LongList> parts) {
            long[] all = LongList.concat(parts);
            Arrays.sort(all);
            return new Latencies(all);
        }

        double percentileMillis(double percent) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(percent / 100 * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))] / 1e6;
        }

        int count() {
            return sortedNanos.length;
        }
    }

    /** A growable array of longs: latency samples without boxing. */
    static final class LongList {
        private long[] values = new long[1024];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        static long[] concat(List<LongList> lists) {
            long[] all = new long[lists.stream().mapToInt(list -> list.size).sum()];
            int at = 0;
            for (LongList list : lists) {
                System.arraycopy(list.values, 0, all, at, list.size);
                at += list.size;
            }
            return all;
        }
    }

    /** What a phase of load achieved: answers as expected, other answers or failures, latencies, wall time. */
    record LoadResult(long ok, long failed, String firstFailure, Latencies latencies, double seconds) {

        double perSecond() {
            return ok / seconds;
        }
    }

    /** Runs each client on its own virtual thread, back to back, for a fixed time. */
    static final class ClosedLoop {

        static LoadResult run(List<? extends Client> clients, Duration duration) throws InterruptedException {
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicReference<String> firstFailure = new AtomicReference<>();
            List<LongList> latencies = new ArrayList<>();
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Client client : clients) {
                    LongList samples = new LongList();
                    latencies.add(samples);
                    threads.submit(() -> loop(client, end, samples, ok, failed, firstFailure));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new LoadResult(ok.get(), failed.get(), firstFailure.get(), Latencies.of(latencies), seconds);
        }

        private static void loop(Client client, long end, LongList samples, AtomicLong ok, AtomicLong failed,
                AtomicReference<String> firstFailure) {
            while (System.nanoTime() < end) {
                long sent = System.nanoTime();
                boolean expected;
                String failure = null;
                try {
                    expected = client.sendOne();
                } catch (Exception e) {
                    expected = false;
                    failure = e.toString();
                }
                samples.add(System.nanoTime() - sent);
                (expected ? ok : failed).incrementAndGet();
                if (!expected) {
                    firstFailure.compareAndSet(null, failure != null ? failure : "unexpected answer");
                }
            }
        }
    }

    /** A phase's figures together with the server's readings around it, and the CPU this client used. */
    record Measured(LoadResult load, ServerSample before, ServerSample after, double clientCpuSeconds,
            double databaseCpuSeconds, RowUpdates jobRowUpdates, GroupCommits groupCommits) {

        Measured(LoadResult load, ServerSample before, ServerSample after, double clientCpuSeconds) {
            this(load, before, after, clientCpuSeconds, Double.NaN, null, null);
        }

        Measured withIngestReadings(RowUpdates updates, GroupCommits groups) {
            return new Measured(load, before, after, clientCpuSeconds, databaseCpuSeconds, updates, groups);
        }

        double serverCpuSeconds() {
            return after.cpuSeconds() - before.cpuSeconds();
        }

        /** Server CPU milliseconds spent per request: the cost of one answer, independent of client speed. */
        double cpuMillisPerRequest() {
            return serverCpuSeconds() * 1000 / Math.max(1, load.ok() + load.failed());
        }
    }

    static Measured measure(List<? extends Client> clients, Settings settings, ServerProcess server)
            throws InterruptedException {
        ClosedLoop.run(clients, settings.warmup());
        ServerSample before = server.sample();
        double clientCpuBefore = clientCpuSeconds();
        double databaseCpuBefore = DatabaseCpu.seconds(server.clockTicksPerSecond());
        LoadResult load = ClosedLoop.run(clients, settings.duration());
        return new Measured(load, before, server.sample(), clientCpuSeconds() - clientCpuBefore,
                DatabaseCpu.seconds(server.clockTicksPerSecond()) - databaseCpuBefore, null, null);
    }

    /**
     * CPU time of every PostgreSQL process on this machine (the benchmark's own server: nothing else runs one),
     * the time of exited backends included through their parent's: with the service's and this generator's, it
     * says what the shared cores did in a window.
     */
    static final class DatabaseCpu {

        static double seconds(long clockTicksPerSecond) {
            long ticks = 0;
            try (var processes = Files.list(Path.of("/proc"))) {
                for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    ticks += postgresTicks(process);
                }
            } catch (IOException e) {
                return Double.NaN;
            }
            return (double) ticks / clockTicksPerSecond;
        }

        /** utime + stime + cutime + cstime of a postgres process, 0 for any other (or one gone meanwhile). */
        private static long postgresTicks(Path process) {
            try {
                String stat = Files.readString(process.resolve("stat"));
                return stat.contains("(postgres)") ? ServerProcess.cpuTicks(stat, true) : 0;
            } catch (IOException e) {
                return 0;
            }
        }
    }

    /**
     * The service's group commits in a window, from its /q/metrics: how many, how many requests each, how many
     * went to PostgreSQL in one round trip, and how much of the window the committer spent in them (near 100 %:
     * the committer is the chain every request waits on; well below: the wait is elsewhere).
     */
    record GroupCommits(double groups, double requests, double atOnce, double commitSeconds, double windowSeconds) {

        static GroupCommits read(Api api) throws IOException, InterruptedException {
            return new GroupCommits(api.metric("progresshub_ingest_group_size_count", ""),
                    api.metric("progresshub_ingest_group_size_sum", ""),
                    api.metric("progresshub_ingest_group_at_once_total", ""),
                    api.metric("progresshub_ingest_group_commit_seconds_sum", ""), 0);
        }

        GroupCommits since(GroupCommits before, double window) {
            return new GroupCommits(groups - before.groups, requests - before.requests, atOnce - before.atOnce,
                    commitSeconds - before.commitSeconds, window);
        }

        @Override
        public String toString() {
            return ("%,.0f groups of %.1f requests on average, %.0f %% of them in one round trip, %.2f ms each; "
                    + "the committer busy %.0f %% of the window")
                    .formatted(groups, requests / Math.max(1, groups), 100 * atOnce / Math.max(1, groups),
                            commitSeconds * 1000 / Math.max(1, groups),
                            100 * commitSeconds / Math.max(1e-9, windowSeconds));
        }
    }

    /**
     * PostgreSQL's count of job row updates, and of those done in place (HOT: no new index entries, the cheap
     * kind), read from the service's database; null when the run has no JDBC URL. A backend reports its counts
     * at most once a second, so a window's figures are shifted by up to a second: read them as a share.
     */
    record RowUpdates(long updates, long hot, StateSizes states) {

        static RowUpdates read(Settings settings) throws SQLException {
            if (settings.jdbcUrl() == null) {
                return null;
            }
            try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), "postgres", "postgres");
                    Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery(
                            "select n_tup_upd, n_tup_hot_upd from pg_stat_user_tables where relname = 'job'")) {
                return row.next() ? new RowUpdates(row.getLong(1), row.getLong(2), null) : new RowUpdates(0, 0, null);
            }
        }

        /** The updates between two readings, with the sizes of the states written since {@code windowStart}. */
        RowUpdates since(RowUpdates before, Settings settings, Instant windowStart) throws SQLException {
            return new RowUpdates(updates - before.updates, hot - before.hot, StateSizes.read(settings, windowStart));
        }

        @Override
        public String toString() {
            return "%,d job row updates, %,d of them in place (HOT, %.0f %%); %s".formatted(updates, hot,
                    100.0 * hot / Math.max(1, updates), states);
        }
    }

    /**
     * How large the job states written in a window are: the JSON the service sends at every write, and what
     * PostgreSQL stores for it (json as sent, compressed when large).
     */
    record StateSizes(long jobs, long averageJsonBytes, long averageStoredBytes, long largestJsonBytes) {

        static StateSizes read(Settings settings, Instant since) throws SQLException {
            try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), "postgres", "postgres");
                    PreparedStatement statement = connection.prepareStatement("""
                            select count(*), coalesce(avg(octet_length(state::text)), 0),
                                   coalesce(avg(pg_column_size(state)), 0), coalesce(max(octet_length(state::text)), 0)
                            from job where updated_at >= ?""")) {
                statement.setObject(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return new StateSizes(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
                }
            }
        }

        @Override
        public String toString() {
            return "the %,d job states written: %,d bytes of JSON on average (largest %,d), %,d bytes stored".formatted(
                    jobs, averageJsonBytes, largestJsonBytes, averageStoredBytes);
        }
    }

    /** CPU time of this load generator: on shared cores, what it took is what the service could not use. */
    static double clientCpuSeconds() {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return os.getProcessCpuTime() / 1e9;
    }

    // ---------------------------------------------------------------------------------------------------------
    // a. Poll of unchanged jobs

    /**
     * Dashboards polling every 2 s with If-None-Match: every answer should be a 304 from the snapshot cache,
     * and PostgreSQL should see no transaction of the service's while it lasts.
     */
    record PollScenario(Settings settings, Api api, ServerProcess server, PostgresStats database) {

        private static final String CACHE_METRIC = "progresshub_poll_cache_total";

        void run(Report report) throws Exception {
            Map<String, String> etags = createJobs();
            List<Poller> pollers = pollersOver(etags);
            ClosedLoop.run(pollers, settings.warmup());
            Thread.sleep(settings.settle().toMillis());

            Map<String, Long> idleBefore = database.read();
            Thread.sleep(settings.duration().toMillis());
            Map<String, Long> databaseBefore = database.read();
            Map<String, Long> idleDelta = PostgresStats.difference(idleBefore, databaseBefore);
            double hitsBefore = api.metric(CACHE_METRIC, "result=\"hit\"");
            double missesBefore = api.metric(CACHE_METRIC, "result=\"miss\"");
            ServerSample before = server.sample();
            double clientCpuBefore = clientCpuSeconds();
            LoadResult load = ClosedLoop.run(pollers, settings.duration());
            ServerSample after = server.sample();
            double clientCpu = clientCpuSeconds() - clientCpuBefore;
            double hits = api.metric(CACHE_METRIC, "result=\"hit\"") - hitsBefore;
            double misses = api.metric(CACHE_METRIC, "result=\"miss\"") - missesBefore;
            Thread.sleep(settings.settle().toMillis());
            Map<String, Long> databaseDelta = PostgresStats.difference(databaseBefore, database.read());

            report.poll(new Measured(load, before, after, clientCpu), etags.size(), (long) hits, (long) misses,
                    databaseDelta, idleDelta);
        }

        private Map<String, String> createJobs() throws Exception {
            Map<String, String> etags = new LinkedHashMap<>();
            for (int i = 0; i < settings.pollJobs(); i++) {
                String jobId = "poll-" + i;
                Api.expect(api.postEvents(jobId, "{\"type\":\"job_start\",\"total\":1000}"), 200);
                HttpResponse<String> snapshot = api.snapshot(jobId, null);
                Api.expect(snapshot, 200);
                etags.put(jobId, snapshot.headers().firstValue("ETag").orElseThrow());
            }
            return etags;
        }

        /** The jobs dealt out round-robin: each poller cycles through its share. */
        private List<Poller> pollersOver(Map<String, String> etags) {
            List<Map.Entry<String, String>> jobs = List.copyOf(etags.entrySet());
            List<Poller> pollers = new ArrayList<>();
            for (int p = 0; p < settings.concurrency(); p++) {
                List<Map.Entry<String, String>> share = new ArrayList<>();
                for (int j = p % jobs.size(); j < jobs.size(); j += settings.concurrency()) {
                    share.add(jobs.get(j));
                }
                pollers.add(new Poller(api, share.isEmpty() ? List.of(jobs.get(p % jobs.size())) : share));
            }
            return pollers;
        }
    }

    /** Polls its jobs in turn with the ETag it holds; a 304 is the expected answer. */
    static final class Poller implements Client {
        private final Api api;
        private final List<Map.Entry<String, String>> jobsWithEtags;
        private int next;

        Poller(Api api, List<Map.Entry<String, String>> jobsWithEtags) {
            this.api = api;
            this.jobsWithEtags = jobsWithEtags;
        }

        @Override
        public boolean sendOne() throws Exception {
            Map.Entry<String, String> job = jobsWithEtags.get(next++ % jobsWithEtags.size());
            return api.snapshot(job.getKey(), job.getValue()).statusCode() == 304;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // b, c. Ingest

    /**
     * Workers reporting item_complete events with worker + seq, as a crawler does. Afterwards every job's
     * snapshot must count exactly the events the service acknowledged: no loss, no double count.
     */
    record IngestScenario(Settings settings, Api api, ServerProcess server) {

        /** The measured window, with how PostgreSQL updated the job rows in it. */
        private Measured measureIngest(List<? extends Client> clients) throws Exception {
            ClosedLoop.run(clients, settings.warmup());
            RowUpdates before = RowUpdates.read(settings);
            GroupCommits groupsBefore = GroupCommits.read(api);
            Instant windowStart = Instant.now();
            Measured measured = measure(clients, Settings.withoutWarmup(settings), server);
            GroupCommits groups = GroupCommits.read(api).since(groupsBefore, measured.load().seconds());
            RowUpdates after = RowUpdates.read(settings);
            return measured.withIngestReadings(after == null ? null : after.since(before, settings, windowStart),
                    groups);
        }

        void runBatchedOwnJobs(Report report) throws Exception {
            List<IngestWorker> workers = workers(settings.concurrency(), w -> List.of("batched-own-" + w),
                    settings.batchSize());
            report.ingest("b1. Ingest, batches of " + settings.batchSize() + ", one job per worker",
                    measureIngest(workers), workers.size(), settings.batchSize(), verify(workers));
        }

        void runBatchedOneJob(Report report) throws Exception {
            List<IngestWorker> workers = workers(settings.concurrency(), w -> List.of("batched-shared"),
                    settings.batchSize());
            report.ingest("b2. Ingest, batches of " + settings.batchSize() + ", all workers on one job",
                    measureIngest(workers), workers.size(), settings.batchSize(), verify(workers));
        }

        /**
         * The single-request scenarios measure a steady state: on a JVM the compiler keeps a core busy for the
         * first minute of this load (JFR: C2 threads above the service's own), which would be counted as the cost
         * of whichever scenario runs first. One mixed load of all three kinds, on jobs of its own, comes first;
         * its server CPU is reported as what it is.
         */
        void warmUpSingleRequests(Report report) throws Exception {
            if (settings.ingestWarmup().isZero()) {
                return;
            }
            List<Client> clients = new ArrayList<>();
            for (int w = 0; w < settings.ingestClients(); w++) {
                int job = w;
                clients.add(switch (w % 3) {
                    case 0 -> new IngestWorker(api, List.of("warm-hot"), "warm-" + w, 1);
                    case 1 -> new IngestWorker(api, List.of("warm-fleet-" + job, "warm-fleet-" + (job + 1)), "warm-" + w, 1);
                    default -> new CrawlerWorker(api, "warm-crawler-" + w, List.of("warm-task-" + job));
                });
            }
            ServerSample before = server.sample();
            LoadResult load = ClosedLoop.run(clients, settings.ingestWarmup());
            report.ingestWarmup(load, server.sample().cpuSeconds() - before.cpuSeconds());
        }

        /** The issue's first figure: every client on one hot job, one event per request. */
        void runSingleEventsOneJob(Report report) throws Exception {
            List<IngestWorker> workers = workers(settings.ingestClients(), w -> List.of("single-hot"), 1);
            Measured measured = measureIngest(workers);
            report.ingest("c1. Ingest, one event per request, " + workers.size() + " clients on one job", measured,
                    workers.size(), 1, verify(workers));
            report.ratio("c1", measured);
        }

        /** A crawler fleet: the clients deal their requests over many jobs, one event per request. */
        void runSingleEventsManyJobs(Report report) throws Exception {
            List<IngestWorker> workers = workers(settings.ingestClients(), this::sharedJobs, 1);
            Measured measured = measureIngest(workers);
            report.ingest("c32. Ingest, one event per request, " + workers.size() + " clients over "
                    + settings.ingestJobs() + " jobs", measured, workers.size(), 1, verify(workers));
            report.ratio("c32", measured);
        }

        /** Seed 003's crawler: one report per request, each a delta of one issue, with its updateId. */
        void runCrawlerReports(Report report) throws Exception {
            List<CrawlerWorker> crawlers = new ArrayList<>();
            for (int w = 0; w < settings.ingestClients(); w++) {
                crawlers.add(new CrawlerWorker(api, "crawler-" + w,
                        sharedJobs(w).stream().map(job -> "task-" + job).toList()));
            }
            Measured measured = measureIngest(crawlers);
            Map<String, Long> acknowledgedByTask = new LinkedHashMap<>();
            crawlers.forEach(crawler -> crawler.acknowledged().forEach((task, n) -> acknowledgedByTask.merge(task, n,
                    Long::sum)));
            long counted = 0;
            for (String task : acknowledgedByTask.keySet()) {
                counted += api.issuesCounted(task);
            }
            long acknowledged = acknowledgedByTask.values().stream().mapToLong(Long::longValue).sum();
            report.ingest("c2. Crawler reports (seed 003), " + crawlers.size() + " crawlers over "
                    + acknowledgedByTask.size() + " tasks", measured, crawlers.size(), 1,
                    new IngestCheck(acknowledgedByTask.size(), acknowledged, counted));
            report.ratio("c2", measured);
        }

        /** Client w's share of the many jobs: w, w + clients, w + 2 × clients, … */
        private List<String> sharedJobs(int worker) {
            List<String> jobs = new ArrayList<>();
            for (int j = worker % settings.ingestJobs(); j < settings.ingestJobs(); j += settings.ingestClients()) {
                jobs.add("fleet-" + j);
            }
            return jobs.isEmpty() ? List.of("fleet-" + worker % settings.ingestJobs()) : jobs;
        }

        private List<IngestWorker> workers(int count, IntFunction<List<String>> jobsOfWorker, int batchSize) {
            List<IngestWorker> workers = new ArrayList<>();
            for (int w = 0; w < count; w++) {
                workers.add(new IngestWorker(api, jobsOfWorker.apply(w), "worker-" + w, batchSize));
            }
            return workers;
        }

        /** Compares each job's counted items with the events acknowledged for it. */
        private IngestCheck verify(List<IngestWorker> workers) throws Exception {
            Map<String, Long> acknowledgedByJob = new LinkedHashMap<>();
            for (IngestWorker worker : workers) {
                worker.acknowledged().forEach((job, n) -> acknowledgedByJob.merge(job, n, Long::sum));
            }
            long counted = 0;
            for (String jobId : acknowledgedByJob.keySet()) {
                counted += api.progressCurrent(jobId);
            }
            long acknowledged = acknowledgedByJob.values().stream().mapToLong(Long::longValue).sum();
            return new IngestCheck(acknowledgedByJob.size(), acknowledged, counted);
        }
    }

    /** The outcome of the exactness check: events acknowledged vs items counted in the snapshots. */
    record IngestCheck(int jobs, long acknowledged, long counted) {
        boolean exact() {
            return acknowledged == counted;
        }
    }

    /**
     * One HTTP/1.1 keep-alive connection that writes each request as bytes and reads the answer by its
     * Content-Length (or chunks): what a crawler's HTTP library does, at a fraction of java.net.http's CPU per
     * request (measured: java.net.http took about as much CPU per request as the service it loaded, on the same
     * cores). The single-request ingest scenarios use it, so the machine's CPU goes to the service and PostgreSQL.
     */
    static final class KeepAliveConnection {
        private final String host;
        private final int port;
        private final String authorization;
        private java.net.Socket socket;
        private java.io.BufferedInputStream in;
        private java.io.OutputStream out;

        KeepAliveConnection(String baseUrl, String token) {
            URI base = URI.create(baseUrl);
            this.host = base.getHost();
            this.port = base.getPort();
            this.authorization = "Bearer " + token;
        }

        /** Posts a JSON body; returns the status and body of the answer. */
        Answer post(String path, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: "
                    + authorization + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            if (socket == null) {
                connect();
            }
            try {
                out.write(head);
                out.write(body);
                out.flush();
                return read();
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        private void connect() throws IOException {
            socket = new java.net.Socket(host, port);
            socket.setTcpNoDelay(true);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }

        private Answer read() throws IOException {
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            int length = -1;
            boolean chunked = false;
            boolean closes = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closes = true;
                }
            }
            String body = chunked ? chunks() : new String(in.readNBytes(Math.max(0, length)), StandardCharsets.UTF_8);
            if (closes) {
                close();
            }
            return new Answer(status, body);
        }

        private String chunks() throws IOException {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";")[0].strip(), 16); size > 0;
                    size = Integer.parseInt(line().split(";")[0].strip(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            line();
            return body.toString(StandardCharsets.UTF_8);
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed by the service");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        private void close() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing a broken connection: the next request opens a new one
            }
            socket = null;
        }

        record Answer(int status, String body) {
        }
    }

    /**
     * One reporting worker: numbered item_complete events (its own worker + seq), a batch or a single event per
     * request, to its jobs in turn.
     */
    static final class IngestWorker implements Client {
        private final List<String> jobIds;
        private final String workerName;
        private final int batchSize;
        private final Map<String, Long> acknowledged = new LinkedHashMap<>();
        /** A worker numbers its events per job, as the contract's worker + seq are read: per job. */
        private final Map<String, Long> nextSeqByJob = new HashMap<>();
        private final KeepAliveConnection connection;
        private int nextJob;

        IngestWorker(Api api, List<String> jobIds, String workerName, int batchSize) {
            this.connection = new KeepAliveConnection(api.baseUrl(), api.token());
            this.jobIds = jobIds;
            this.workerName = workerName;
            this.batchSize = batchSize;
        }

        Map<String, Long> acknowledged() {
            return acknowledged;
        }

        @Override
        public boolean sendOne() throws Exception {
            String jobId = jobIds.get(nextJob++ % jobIds.size());
            KeepAliveConnection.Answer answer = connection.post("/api/jobs/" + jobId + "/events",
                    nextRequestBody(jobId));
            if (answer.status() != 200) {
                return false;
            }
            acknowledged.merge(jobId, Api.accepted(answer.body()), Long::sum);
            return true;
        }

        private String nextRequestBody(String jobId) {
            long first = nextSeqByJob.getOrDefault(jobId, 1L);
            nextSeqByJob.put(jobId, first + batchSize);
            if (batchSize == 1) {
                return event(first);
            }
            StringBuilder batch = new StringBuilder(batchSize * 90).append('[');
            for (int i = 0; i < batchSize; i++) {
                batch.append(i == 0 ? "" : ",").append(event(first + i));
            }
            return batch.append(']').toString();
        }

        private String event(long seq) {
            return "{\"type\":\"item_complete\",\"item\":\"%s-item-%d\",\"worker\":\"%s\",\"seq\":%d}"
                    .formatted(workerName, seq, workerName, seq);
        }
    }

    /** A crawler reporting to /api/internal/jobs/progress for its tasks in turn: processedItems, a one-issue delta. */
    static final class CrawlerWorker implements Client {
        private final String name;
        private final List<String> taskIds;
        private final Map<String, Long> acknowledged = new LinkedHashMap<>();
        private final KeepAliveConnection connection;
        private long reports;
        private int nextTask;

        CrawlerWorker(Api api, String name, List<String> taskIds) {
            this.connection = new KeepAliveConnection(api.baseUrl(), api.token());
            this.name = name;
            this.taskIds = taskIds;
        }

        Map<String, Long> acknowledged() {
            return acknowledged;
        }

        @Override
        public boolean sendOne() throws Exception {
            String taskId = taskIds.get(nextTask++ % taskIds.size());
            long next = reports + 1;
            // processedItems is a max across the task's crawlers, so it only grows: this crawler's report count
            KeepAliveConnection.Answer answer = connection.post("/api/internal/jobs/progress", """
                    {"taskId":"%s","status":"processing","processedItems":%d,"itemsByType":{"issues":1},\
                    "lastProcessedId":"issue-%d","updateId":"%s-%d"}""".formatted(taskId, next, next, name, next));
            if (answer.status() != 200) {
                return false;
            }
            reports = next;
            acknowledged.merge(taskId, 1L, Long::sum);
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // a64. A poll against the cheapest answer the server has

    /**
     * At many connections, the 2-second poll (304, and 200 with the body) against {@code /q/health/live}, the
     * cheapest answer of the same server: the ratio says how close the poll path is to the HTTP stack's floor.
     */
    record PollVersusHealthScenario(Settings settings, Api api, ServerProcess server) {

        void run(Report report) throws Exception {
            List<String> jobs = new ArrayList<>();
            Map<String, String> etags = new LinkedHashMap<>();
            for (int i = 0; i < settings.pollJobs(); i++) {
                String jobId = "poll64-" + i;
                Api.expect(api.postEvents(jobId, "{\"type\":\"job_start\",\"total\":1000}"), 200);
                HttpResponse<String> snapshot = api.snapshot(jobId, null);
                jobs.add(jobId);
                etags.put(jobId, snapshot.headers().firstValue("ETag").orElseThrow());
            }
            int connections = settings.pollConnections();
            Measured health = measure(clients(connections, c -> () -> api.health() == 200), settings, server);
            Measured notModified = measure(clients(connections, c -> {
                int[] next = { c };
                return () -> {
                    String job = jobs.get(next[0]++ % jobs.size());
                    return api.snapshot(job, etags.get(job)).statusCode() == 304;
                };
            }), settings, server);
            Measured full = measure(clients(connections, c -> {
                int[] next = { c };
                return () -> api.snapshot(jobs.get(next[0]++ % jobs.size()), null).statusCode() == 200;
            }), settings, server);
            report.pollVersusHealth(connections, health, notModified, full);
        }

        private static List<Client> clients(int count, IntFunction<Client> client) {
            List<Client> clients = new ArrayList<>();
            for (int c = 0; c < count; c++) {
                clients.add(client.apply(c));
            }
            return clients;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // db. The database's own limit, the baseline of every ingest figure

    /**
     * What pgbench would measure, as a JDBC loop: N clients, each transaction one INSERT of an event-sized row
     * and one UPDATE of a shared row, committed. A service that turns every request into such a transaction can
     * never beat this rate; group commit is how it does.
     */
    record DatabaseLimitScenario(Settings settings) {

        private static final String USER = "postgres";
        private static final String PASSWORD = "postgres";
        private static final String BODY = "{\"type\":\"item_complete\",\"item\":\"worker-1-item-1\","
                + "\"worker\":\"worker-1\",\"seq\":1,\"at\":\"2026-11-27T00:00:00Z\"}";

        /** {@code when} says where the window sits among the scenarios, e.g. " (before c1)". */
        void run(Report report, String when) throws Exception {
            String durability;
            try (Connection setup = DriverManager.getConnection(settings.jdbcUrl(), USER, PASSWORD);
                    Statement statement = setup.createStatement()) {
                statement.execute("drop table if exists bench_limit_event, bench_limit_job");
                statement.execute("create table bench_limit_job (id int primary key, counter bigint not null)");
                statement.execute("insert into bench_limit_job values (1, 0)");
                statement.execute("create table bench_limit_event (id bigserial primary key, client int not null, "
                        + "body text not null)");
                durability = "fsync=" + setting(statement, "fsync") + ", synchronous_commit="
                        + setting(statement, "synchronous_commit");
            }
            List<DatabaseClient> clients = new ArrayList<>();
            try {
                for (int c = 0; c < settings.ingestClients(); c++) {
                    clients.add(new DatabaseClient(DriverManager.getConnection(settings.jdbcUrl(), USER, PASSWORD), c));
                }
                ClosedLoop.run(clients, settings.warmup());
                double clientCpuBefore = clientCpuSeconds();
                double databaseCpuBefore = DatabaseCpu.seconds(settings.clockTicksPerSecond());
                LoadResult load = ClosedLoop.run(clients, settings.duration());
                report.databaseLimit(when, load, clientCpuSeconds() - clientCpuBefore,
                        DatabaseCpu.seconds(settings.clockTicksPerSecond()) - databaseCpuBefore, clients.size(), durability);
            } finally {
                for (DatabaseClient client : clients) {
                    client.connection().close();
                }
            }
        }

        private static String setting(Statement statement, String name) throws SQLException {
            try (ResultSet row = statement.executeQuery("show " + name)) {
                row.next();
                return row.getString(1);
            }
        }
    }

    /** One pgbench-like client on its own connection. */
    record DatabaseClient(Connection connection, int number, PreparedStatement insert, PreparedStatement update)
            implements Client {

        DatabaseClient(Connection connection, int number) throws SQLException {
            this(connection, number,
                    connection.prepareStatement("insert into bench_limit_event (client, body) values (?, ?)"),
                    connection.prepareStatement("update bench_limit_job set counter = counter + 1 where id = 1"));
            connection.setAutoCommit(false);
        }

        @Override
        public boolean sendOne() throws SQLException {
            insert.setInt(1, number);
            insert.setString(2, DatabaseLimitScenario.BODY);
            insert.executeUpdate();
            update.executeUpdate();
            connection.commit();
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // d. SSE fan-out

    /**
     * Many dashboards on one job's stream while a worker reports at a steady rate. Each event carries its send
     * time (System.nanoTime of this JVM) in its message, so every client measures its own delivery latency.
     */
    record FanoutScenario(Settings settings, Api api, ServerProcess server) {

        private static final String JOB = "fanout";
        private static final int CONNECTS_AT_ONCE = 50;

        void run(Report report) throws Exception {
            Api.expect(api.postEvents(JOB, "{\"type\":\"job_start\",\"total\":1000000}"), 200);
            HttpClient streamsClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<StreamClient> clients = new ArrayList<>();
            CountDownLatch allSubscribed = new CountDownLatch(settings.sseClients());
            ServerSample beforeConnect = server.sample();
            Duration connectTime;
            ServerSample connected;
            PublishResult published;
            ServerSample afterPublish;
            double clientCpu;
            try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
                try {
                    connectTime = connect(streamsClient, clients, allSubscribed, readers);
                    connected = server.sample();
                    double clientCpuBefore = clientCpuSeconds();
                    published = publishAtSteadyRate();
                    afterPublish = server.sample();
                    clientCpu = clientCpuSeconds() - clientCpuBefore;
                    finishJobAndAwaitStreamsEnd(clients);
                } finally {
                    // also when a step failed: a reader still open would keep the executor's close waiting forever
                    clients.forEach(StreamClient::close);
                }
            } // waits for every reader to stop, so their counts are final
            report.fanout(new FanoutResult(clients, published, connectTime, beforeConnect, connected, afterPublish,
                    clientCpu, settings.sseEventsPerSecond()));
        }

        private Duration connect(HttpClient streamsClient, List<StreamClient> clients, CountDownLatch allSubscribed,
                ExecutorService readers) throws InterruptedException {
            long start = System.nanoTime();
            Semaphore connecting = new Semaphore(CONNECTS_AT_ONCE);
            for (int c = 0; c < settings.sseClients(); c++) {
                StreamClient client = new StreamClient(streamsClient, api.streamRequest(JOB), allSubscribed, connecting);
                clients.add(client);
                connecting.acquire();
                readers.submit(client::readUntilEnd);
            }
            if (!allSubscribed.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException(allSubscribed.getCount() + " stream clients got no snapshot in 2 min");
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }

        /** One job_progress event every 1/rate s, from one sender, as a single worker would report. */
        private PublishResult publishAtSteadyRate() throws Exception {
            long interval = 1_000_000_000L / settings.sseEventsPerSecond();
            long count = settings.duration().toSeconds() * settings.sseEventsPerSecond();
            long start = System.nanoTime();
            long failed = 0;
            for (long i = 1; i <= count; i++) {
                long due = start + (i - 1) * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String event = "{\"type\":\"job_progress\",\"current\":%d,\"message\":\"sent:%d\"}"
                        .formatted(i, System.nanoTime());
                if (api.postEvents(JOB, event).statusCode() != 200) {
                    failed++;
                }
            }
            return new PublishResult(count - failed, failed, (System.nanoTime() - start) / 1e9);
        }

        /** The job's terminal event ends every per-job stream: 20 s for them to end (the caller closes the rest). */
        private void finishJobAndAwaitStreamsEnd(List<StreamClient> clients) throws Exception {
            Api.expect(api.postEvents(JOB, "{\"type\":\"job_complete\",\"message\":\"done\"}"), 200);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (StreamClient client : clients) {
                client.awaitEnd(Math.max(0, deadline - System.nanoTime()));
            }
        }
    }

    record PublishResult(long posted, long failed, double seconds) {
    }

    /** Everything the fan-out scenario observed, summed over its clients. */
    record FanoutResult(List<StreamClient> clients, PublishResult published, Duration connectTime,
            ServerSample beforeConnect, ServerSample connected, ServerSample afterPublish, double clientCpuSeconds,
            int targetRate) {

        long delivered() {
            return clients.stream().mapToLong(StreamClient::progressMessages).sum();
        }

        long expected() {
            return published.posted() * clients.size();
        }

        long endedEarly() {
            return clients.stream().filter(StreamClient::endedBeforeCompletion).count();
        }

        long sawCompletion() {
            return clients.stream().filter(StreamClient::sawCompletion).count();
        }

        Latencies latencies() {
            return Latencies.of(clients.stream().map(StreamClient::latencies).toList());
        }
    }

    /** One dashboard's EventSource: reads the stream line by line on a virtual thread. */
    static final class StreamClient {
        private static final String SENT = "\"message\":\"sent:";

        private final HttpClient http;
        private final HttpRequest request;
        private final CountDownLatch subscribed;
        private final Semaphore connecting;
        private final CountDownLatch ended = new CountDownLatch(1);
        private final LongList latencies = new LongList();
        private volatile InputStream body;
        private volatile long progressMessages;
        private volatile boolean sawCompletion;
        private volatile String failure;

        StreamClient(HttpClient http, HttpRequest request, CountDownLatch subscribed, Semaphore connecting) {
            this.http = http;
            this.request = request;
            this.subscribed = subscribed;
            this.connecting = connecting;
        }

        void readUntilEnd() {
            boolean first = true;
            try {
                HttpResponse<InputStream> answer = http.send(request, BodyHandlers.ofInputStream());
                body = answer.body();
                BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data:")) {
                        if (first) {
                            first = false;
                            connecting.release();
                            subscribed.countDown();
                        } else {
                            onMessage(line);
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                failure = e.toString();
            } finally {
                if (first) {
                    connecting.release();
                }
                ended.countDown();
            }
        }

        /** The event comes first in the data, before the job snapshot, which repeats the last message. */
        private void onMessage(String data) {
            long received = System.nanoTime();
            int jobStart = data.indexOf("\"job\":");
            int sent = data.indexOf(SENT);
            if (sent >= 0 && (jobStart < 0 || sent < jobStart)) {
                int digits = sent + SENT.length();
                latencies.add(received - Long.parseLong(data, digits, data.indexOf('"', digits), 10));
                progressMessages++;
            } else if (data.contains("\"type\":\"job_complete\"") && (jobStart < 0
                    || data.indexOf("\"type\":\"job_complete\"") < jobStart)) {
                sawCompletion = true;
            }
        }

        void awaitEnd(long nanos) throws InterruptedException {
            ended.await(nanos, TimeUnit.NANOSECONDS);
        }

        void close() {
            InputStream open = body;
            if (open != null) {
                try {
                    open.close();
                } catch (IOException ignored) {
                    // closing a stream we no longer read; nothing to recover
                }
            }
        }

        long progressMessages() {
            return progressMessages;
        }

        boolean sawCompletion() {
            return sawCompletion;
        }

        boolean endedBeforeCompletion() {
            return !sawCompletion && ended.getCount() == 0;
        }

        LongList latencies() {
            return latencies;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The report

    /** Collects each scenario's figures and renders them as Markdown: one summary table, then the details. */
    static final class Report {
        private final Settings settings;
        private final List<String> rows = new ArrayList<>();
        private final List<String> details = new ArrayList<>();
        private final Map<String, Measured> ratioInputs = new LinkedHashMap<>();
        /** For each ratio's scenario, how many database-limit windows ran before it. */
        private final Map<String, Integer> baselinesBefore = new LinkedHashMap<>();
        private final List<DatabaseWindow> databaseLimits = new ArrayList<>();
        private double pollRatio = Double.NaN;
        private double fullPollRatio = Double.NaN;
        private final String startedAt = Instant.now().toString();
        private final String loadAverageAtStart = loadAverage();
        private ServerSample atStart;
        private ServerSample atEnd;

        Report(Settings settings) {
            this.settings = settings;
        }

        void memoryAtStart(ServerSample sample) {
            atStart = sample;
        }

        void memoryAtEnd(ServerSample sample) {
            atEnd = sample;
        }

        void poll(Measured measured, int jobs, long cacheHits, long cacheMisses, Map<String, Long> database,
                Map<String, Long> idleDatabase) {
            LoadResult load = measured.load();
            long polls = load.ok() + load.failed();
            row("a. Poll unchanged (If-None-Match → 304)", "%,.0f 304/s".formatted(load.perSecond()), measured);
            details.add("""
                    ### a. Poll unchanged

                    %d jobs, %d pollers, %.1f s: %,d polls, %,d answered 304, %,d otherwise%s.
                    Server CPU %.3f ms per poll.

                    Proof of "no database read" over the measured window (PostgreSQL's own counters of the service's
                    database, read %d s after the window so idle backends have flushed them):

                    | counter | polling window | per poll | idle window, same length, just before |
                    |---|---:|---:|---:|
                    %s
                    What the idle window shows is background work, not polls: PostgreSQL's autovacuum/autoanalyze of the
                    tables just written and the service's periodic sweeper (stall detection, retention).
                    The service's metric `progresshub_poll_cache_total`: hit +%,d, miss +%,d.
                    """.formatted(jobs, settings.concurrency(), load.seconds(), polls, load.ok(), load.failed(),
                    failureNote(load), measured.cpuMillisPerRequest(), settings.settle().toSeconds(),
                    counterRows(database, idleDatabase, polls), cacheHits, cacheMisses));
        }

        void ingest(String name, Measured measured, int workers, int batchSize, IngestCheck check) {
            LoadResult load = measured.load();
            double eventsPerSecond = load.perSecond() * batchSize;
            row(name, "%,.0f events/s (%,.0f req/s)".formatted(eventsPerSecond, load.perSecond()), measured);
            details.add("""
                    ### %s

                    %d workers, %.1f s: %,d requests answered 200, %,d otherwise%s.
                    Server CPU %.3f ms per request, %.4f ms per event. %s
                    Exactness (warm-up and measured phases): %,d events acknowledged, %,d counted in %d job snapshot(s): %s.
                    In PostgreSQL: %s.
                    Group commit: %s.
                    """.formatted(name, workers, load.seconds(), load.ok(), load.failed(), failureNote(load),
                    measured.cpuMillisPerRequest(), measured.cpuMillisPerRequest() / batchSize, cpuBudget(measured),
                    check.acknowledged(),
                    check.counted(), check.jobs(), check.exact() ? "exact" : "MISMATCH",
                    measured.jobRowUpdates() == null ? "not read (no JDBC URL)" : measured.jobRowUpdates(),
                    measured.groupCommits()));
        }

        /** Keeps a single-event scenario for the ratio against the database's own limit. */
        void ingestWarmup(LoadResult load, double serverCpuSeconds) {
            details.add("""
                    ### Warm-up of the single-request scenarios (not measured)

                    %.0f s of single events and crawler reports mixed, on jobs of their own: %,d requests, server CPU
                    %.1f s (%.3f ms per request, the JIT compiler included). The figures of c1, c32 and c2 follow it.
                    """.formatted(load.seconds(), load.ok() + load.failed(), serverCpuSeconds,
                    serverCpuSeconds * 1000 / Math.max(1, load.ok() + load.failed())));
        }

        void ratio(String scenario, Measured measured) {
            ratioInputs.put(scenario, measured);
            baselinesBefore.put(scenario, databaseLimits.size());
        }

        void databaseLimit(String when, LoadResult load, double clientCpuSeconds, double databaseCpuSeconds,
                int clients, String durability) {
            databaseLimits.add(new DatabaseWindow(load, clientCpuSeconds + databaseCpuSeconds));
            rows.add("| db. The database's own limit%s: %d JDBC clients, INSERT + UPDATE of a shared row per transaction | %,.0f tx/s | %s | %s | %d | – | %.1f | – |"
                    .formatted(when, clients, load.perSecond(), millis(load.latencies().percentileMillis(50)),
                            millis(load.latencies().percentileMillis(99)), load.failed(), clientCpuSeconds));
            details.add("""
                    ### db. The database's own limit%s

                    %d clients, %.1f s: %,d transactions (%s), %,.0f tx/s. The same PostgreSQL the service uses, while
                    the service idles: the rate a service that makes one transaction of every request cannot pass.
                    CPU of the window: PostgreSQL %.1f s (%.3f ms per transaction), these clients %.1f s.
                    """.formatted(when, clients, load.seconds(), load.ok(), durability, load.perSecond(),
                    databaseCpuSeconds, databaseCpuSeconds * 1000 / Math.max(1, load.ok()), clientCpuSeconds));
        }

        void pollVersusHealth(int connections, Measured health, Measured notModified, Measured full) {
            pollRatio = notModified.load().perSecond() / health.load().perSecond();
            fullPollRatio = full.load().perSecond() / health.load().perSecond();
            row("a64. GET /q/health/live, " + connections + " connections",
                    "%,.0f req/s".formatted(health.load().perSecond()), health);
            row("a64. Poll → 304, " + connections + " connections",
                    "%,.0f 304/s".formatted(notModified.load().perSecond()), notModified);
            row("a64. Poll → 200 with the snapshot, " + connections + " connections",
                    "%,.0f 200/s".formatted(full.load().perSecond()), full);
            details.add("""
                    ### a64. Poll against the HTTP stack's floor

                    %d connections. /q/health/live %,.0f req/s (%.3f ms server CPU each); poll → 304 %,.0f req/s
                    (%.3f ms); poll → 200 %,.0f req/s (%.3f ms). 304 ÷ health = %.2f; 200 ÷ health = %.2f.
                    """.formatted(connections, health.load().perSecond(), health.cpuMillisPerRequest(),
                    notModified.load().perSecond(), notModified.cpuMillisPerRequest(), full.load().perSecond(),
                    full.cpuMillisPerRequest(), pollRatio, fullPollRatio));
        }

        /** The figures of issue 8, each beside its baseline of this same run. */
        private String ratios() {
            StringBuilder table = new StringBuilder("""
                    ## Ratios (issue 8)

                    | figure | value | p50 | p99 | server CPU per request | goal |
                    |---|---:|---:|---:|---:|---|
                    """);
            ratioInputs.forEach((scenario, measured) -> {
                LoadResult load = measured.load();
                String ratio = ratio(load, baselinesBefore.get(scenario));
                table.append("| %s ÷ database's own rate | %s | %s | %s | %.3f ms | ≥ 2.0, ≤ 0.2 ms, p99 ≤ 50 ms |\n"
                        .formatted(scenario, ratio, millis(load.latencies().percentileMillis(50)),
                                millis(load.latencies().percentileMillis(99)), measured.cpuMillisPerRequest()));
            });
            table.append(ratioFactors());
            if (!Double.isNaN(pollRatio)) {
                table.append("| 304 poll ÷ /q/health/live | %.2f | | | | ≥ 0.8 |\n".formatted(pollRatio));
                table.append("| 200 poll ÷ /q/health/live | %.2f | | | | a 304 at least as fast as a 200 |\n"
                        .formatted(fullPollRatio));
            }
            return table.toString();
        }

        /**
         * Each ratio as the product of two factors, so a run says which one to work on: how much less of the
         * machine's CPU a request costs than a transaction of the database's own run (service, PostgreSQL and load
         * generator against PostgreSQL and its clients), and how much of the machine each kept busy. Exact: rate =
         * CPU used per second ÷ CPU per unit, for both.
         */
        private String ratioFactors() {
            StringBuilder factors = new StringBuilder();
            ratioInputs.forEach((scenario, measured) -> {
                List<DatabaseWindow> around = windowsAround(baselinesBefore.get(scenario));
                if (around.isEmpty() || Double.isNaN(measured.databaseCpuSeconds())) {
                    return;
                }
                double databaseCpu = around.stream().mapToDouble(DatabaseWindow::cpuSeconds).sum();
                double databaseSeconds = around.stream().mapToDouble(window -> window.load().seconds()).sum();
                long transactions = around.stream().mapToLong(window -> window.load().ok()).sum();
                LoadResult load = measured.load();
                double cpu = measured.serverCpuSeconds() + measured.databaseCpuSeconds() + measured.clientCpuSeconds();
                double perRequest = cpu * 1000 / Math.max(1, load.ok());
                double perTransaction = databaseCpu * 1000 / Math.max(1, transactions);
                double busy = cpu / load.seconds();
                double databaseBusy = databaseCpu / databaseSeconds;
                factors.append(("| %s = CPU factor × busy factor | %.2f × %.2f (the machine's CPU per database "
                        + "transaction ÷ per request: %.3f ÷ %.3f ms; cores busy ÷ in the database's run: %.2f ÷ %.2f) "
                        + "| | | | |\n").formatted(scenario, perTransaction / perRequest, busy / databaseBusy,
                        perTransaction, perRequest, busy, databaseBusy));
            });
            return factors.toString();
        }

        void fanout(FanoutResult result) {
            Latencies latencies = result.latencies();
            double seconds = result.published().seconds();
            int clients = result.clients().size();
            long rssPerThousandKb = (result.connected().rssKb() - result.beforeConnect().rssKb()) * 1000
                    / Math.max(1, clients);
            rows.add("| d. SSE fan-out, %,d clients, %.0f events/s posted | %,.0f msgs/s delivered | %s | %s | %d | %.1f | %.1f | %s → %s |"
                    .formatted(clients, result.published().posted() / seconds, result.delivered() / seconds,
                            millis(latencies.percentileMillis(50)), millis(latencies.percentileMillis(99)),
                            result.published().failed() + (result.expected() - result.delivered()),
                            result.afterPublish().cpuSeconds() - result.connected().cpuSeconds(),
                            result.clientCpuSeconds(), megabytes(result.connected().rssKb()), megabytes(result.afterPublish().rssKb())));
            details.add("""
                    ### d. SSE fan-out

                    %,d clients on one job's stream, connected in %.1f s (at most %d connecting at once).
                    %,d events posted in %.1f s (%,d failed; target %d/s, one sender waiting for each answer); %,d of %,d expected messages delivered
                    (%,.0f msgs/s); p50 %s, p99 %s, max %s from post to receipt.
                    %,d clients saw the terminal event and the end of their stream; %,d streams ended early.

                    | server | before connecting | %,d connected | after the events |
                    |---|---:|---:|---:|
                    | threads | %d | %d | %d |
                    | RSS | %s | %s | %s |

                    RSS per 1,000 connected clients: %s (JVM heap growth included, so an upper bound).
                    Server CPU while delivering: %.1f s over %.1f s.
                    """.formatted(clients, result.connectTime().toMillis() / 1000.0, FanoutScenario.CONNECTS_AT_ONCE,
                    result.published().posted() + result.published().failed(), seconds, result.published().failed(), result.targetRate(),
                    result.delivered(), result.expected(), result.delivered() / seconds,
                    millis(latencies.percentileMillis(50)), millis(latencies.percentileMillis(99)),
                    millis(latencies.percentileMillis(100)), result.sawCompletion(), result.endedEarly(),
                    clients, result.beforeConnect().threads(), result.connected().threads(),
                    result.afterPublish().threads(), megabytes(result.beforeConnect().rssKb()),
                    megabytes(result.connected().rssKb()), megabytes(result.afterPublish().rssKb()),
                    megabytes(rssPerThousandKb), result.afterPublish().cpuSeconds() - result.connected().cpuSeconds(),
                    seconds));
        }

        void write(Path path) throws IOException {
            String markdown = markdown();
            System.out.println(markdown);
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.writeString(path, markdown);
            System.out.println("Report written to " + path);
        }

        private String markdown() {
            return """
                    # progress-hub benchmark

                    %s · %d CPUs seen by the client JVM (client, service and PostgreSQL share them) · load average at start: %s
                    Java %s · %d s per scenario after %d s warm-up · %d concurrent clients · service started with -Xmx512m

                    | scenario | throughput | p50 | p99 | failed | server CPU s | client CPU s | server RSS before → after |
                    |---|---:|---:|---:|---:|---:|---:|---:|
                    %s

                    %s

                    ### e. Idle memory

                    Server RSS right after start: %s (%d threads); after the whole run and %d s idle: %s (%d threads).

                    %s""".formatted(startedAt, Runtime.getRuntime().availableProcessors(), loadAverageAtStart,
                    Runtime.version(), settings.duration().toSeconds(), settings.warmup().toSeconds(),
                    settings.concurrency(), String.join("\n", rows), ratios(), megabytes(atStart.rssKb()), atStart.threads(),
                    settings.settle().toSeconds(), megabytes(atEnd.rssKb()), atEnd.threads(),
                    String.join("\n", details));
        }

        /** A database-limit window, with the CPU seconds PostgreSQL and its clients spent in it. */
        private record DatabaseWindow(LoadResult load, double cpuSeconds) {
        }

        /** The database-limit windows right before and right after a scenario that ran after {@code before} of them. */
        private List<DatabaseWindow> windowsAround(int before) {
            return databaseLimits.subList(Math.max(0, before - 1), Math.min(databaseLimits.size(), before + 1));
        }

        /**
         * The scenario's rate over the mean of the database-limit windows right before and after it (one of them
         * when only one ran).
         */
        private String ratio(LoadResult load, int baselinesBefore) {
            List<LoadResult> around = windowsAround(baselinesBefore).stream().map(DatabaseWindow::load).toList();
            if (around.isEmpty()) {
                return "%,.0f /s (no db baseline)".formatted(load.perSecond());
            }
            double baseline = around.stream().mapToDouble(LoadResult::perSecond).average().orElseThrow();
            String windows = around.stream().map(window -> "%,.0f".formatted(window.perSecond()))
                    .collect(Collectors.joining(" and "));
            return "%.2f (%,.0f /s ÷ %,.0f tx/s%s)".formatted(load.perSecond() / baseline, load.perSecond(), baseline,
                    around.size() > 1 ? ", the mean of " + windows + " before and after" : "");
        }

        private void row(String name, String throughput, Measured measured) {
            LoadResult load = measured.load();
            rows.add("| %s | %s | %s | %s | %d | %.1f | %.1f | %s → %s |".formatted(name, throughput,
                    millis(load.latencies().percentileMillis(50)), millis(load.latencies().percentileMillis(99)),
                    load.failed(), measured.serverCpuSeconds(), measured.clientCpuSeconds(), megabytes(measured.before().rssKb()),
                    megabytes(measured.after().rssKb())));
        }

        private static String counterRows(Map<String, Long> database, Map<String, Long> idleDatabase, long polls) {
            StringBuilder rows = new StringBuilder();
            database.forEach((counter, delta) -> rows.append("| %s | %,d | %.6f | %,d |\n"
                    .formatted(counter, delta, (double) delta / Math.max(1, polls), idleDatabase.get(counter))));
            return rows.toString();
        }

        /** Where the machine's CPU went in a window: the service, PostgreSQL, this load generator. */
        private static String cpuBudget(Measured measured) {
            if (Double.isNaN(measured.databaseCpuSeconds())) {
                return "";
            }
            double machine = measured.load().seconds() * Runtime.getRuntime().availableProcessors();
            long requests = Math.max(1, measured.load().ok() + measured.load().failed());
            return ("CPU of the window: service %.1f s, PostgreSQL %.1f s (%.3f ms per request), load generator %.1f s; "
                    + "%.1f of the machine's %.1f s.").formatted(measured.serverCpuSeconds(),
                    measured.databaseCpuSeconds(), measured.databaseCpuSeconds() * 1000 / requests,
                    measured.clientCpuSeconds(), measured.serverCpuSeconds() + measured.databaseCpuSeconds()
                            + measured.clientCpuSeconds(), machine);
        }

        private static String failureNote(LoadResult load) {
            return load.firstFailure() == null ? "" : " (first: " + load.firstFailure() + ")";
        }

        private static String millis(double value) {
            return Double.isNaN(value) ? "–" : "%.2f ms".formatted(value);
        }

        private static String megabytes(long kilobytes) {
            return "%.0f MB".formatted(kilobytes / 1024.0);
        }

        private static String loadAverage() {
            try {
                String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
                return String.join(" ", fields[0], fields[1], fields[2]);
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
