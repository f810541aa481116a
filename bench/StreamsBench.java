import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stream scenarios of issue 9, against a running service (bench/streams.sh starts it): thousands of SSE
 * clients on plain non-blocking sockets (two selector threads, no thread or HTTP-client object per stream),
 * so the load generator stays far from being the bottleneck; its own CPU is reported next to the server's.
 *
 * <p>Every posted event carries its send time (System.nanoTime of this JVM) in its message; each client
 * measures delivery latency from it and counts what it received, so "nothing lost" is checked per client.
 *
 * <p>Scenarios (BENCH_SCENARIOS, comma-separated): one-job (N streams on one job at R events/s), many-jobs
 * (N streams over J jobs, R events/s spread over the jobs), global (G subscribers of the project stream,
 * R events/s across jobs).
 */
public class StreamsBench {

    private static final byte[] SENT = "sent:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JOB = "\"job\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] COMPLETE = "\"type\":\"job_complete\"".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        String base = env("BENCH_BASE_URL", null);
        String admin = env("BENCH_ADMIN_TOKEN", null);
        long serverPid = Long.parseLong(env("BENCH_SERVER_PID", null));
        Path report = Path.of(env("BENCH_REPORT", "target/streams-report.md"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Api api = new Api(http, base, admin);
        api.awaitReady();
        String token = api.createToken();
        StringBuilder out = new StringBuilder("| scenario | streams | connect all | events posted | delivered / expected | "
                + "p50 | p99 | max | server CPU s (connect + deliver) | client CPU s | server RSS idle → connected → after | RSS per stream | live heap per stream | load |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        Sample idle = Sample.of(serverPid);
        System.out.println("server idle: RSS " + idle.rssKb() / 1024 + " MB");
        for (String scenario : env("BENCH_SCENARIOS", "one-job,many-jobs,global").split(",")) {
            String row = switch (scenario.strip()) {
                case "one-job" -> run("10k streams, one job", api, token, serverPid,
                        intEnv("BENCH_ONE_JOB_STREAMS", 10_000), 1, false, intEnv("BENCH_ONE_JOB_RATE", 2));
                case "many-jobs" -> run("10k streams over 1,000 jobs", api, token, serverPid,
                        intEnv("BENCH_MANY_STREAMS", 10_000), intEnv("BENCH_MANY_JOBS", 1_000), false,
                        intEnv("BENCH_MANY_RATE", 100));
                case "global" -> run("global stream", api, token, serverPid, intEnv("BENCH_GLOBAL_STREAMS", 1_000),
                        intEnv("BENCH_GLOBAL_JOBS", 100), true, intEnv("BENCH_GLOBAL_RATE", 500));
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            };
            out.append(row).append('\n');
            System.out.println(row);
        }
        Thread.sleep(3000);
        Sample end = Sample.of(serverPid);
        out.append("\nserver RSS idle at start ").append(idle.rssKb() / 1024).append(" MB, after the load and 3 s idle ")
                .append(end.rssKb() / 1024).append(" MB\n");
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, out);
        System.out.println(out);
    }

    /** Opens the streams, posts events at the rate for the duration, ends the jobs, reports. */
    static String run(String name, Api api, String token, long serverPid, int streams, int jobs, boolean global,
            int rate) throws Exception {
        String run = Long.toString(System.nanoTime() % 1_000_000, 36);
        List<String> jobIds = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            jobIds.add("sb-" + run + "-" + j);
            api.post(token, jobIds.getLast(), "{\"type\":\"job_start\",\"total\":1000000}");
        }
        double clientCpu0 = Sample.ownCpuSeconds();
        long heapBefore = Sample.liveHeapBytes(serverPid);
        Sample before = Sample.of(serverPid);
        Clients clients = new Clients(URI.create(api.base()), 2);
        long start = System.nanoTime();
        for (int s = 0; s < streams; s++) {
            String path = global ? "/api/stream?access_token=" + token
                    : "/api/jobs/" + jobIds.get(s % jobs) + "/stream?access_token=" + token;
            clients.open(path, s % jobs);
        }
        clients.awaitSubscribed(streams, Duration.ofMinutes(3));
        double connectSeconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(1000);
        Sample connected = Sample.of(serverPid);
        long heapConnected = Sample.liveHeapBytes(serverPid);
        String livePerStream = heapBefore < 0 || heapConnected < 0 ? "–"
                : "%.1f KB".formatted((heapConnected - heapBefore) / 1024.0 / streams);
        Sample delivering = Sample.of(serverPid); // the forced GC above counts in neither figure
        int seconds = intEnv("BENCH_DURATION", 20);
        long[] posted = publish(api, token, jobIds, rate, seconds);
        long expected = 0;
        for (int s = 0; s < streams; s++) {
            expected += global ? Arrays.stream(posted).sum() : posted[s % jobs];
        }
        clients.awaitDelivered(expected, Duration.ofSeconds(30));
        Sample after = Sample.of(serverPid);
        double clientCpu = Sample.ownCpuSeconds() - clientCpu0;
        for (String job : jobIds) {
            api.post(token, job, "{\"type\":\"job_complete\"}");
        }
        if (!global) {
            clients.awaitCompleted(streams, Duration.ofSeconds(30));
        }
        clients.close();
        System.out.println("slowest delivery per event, in send order (ms): " + clients.slowestPerEvent.values().stream()
                .map(n -> Long.toString(n / 1_000_000)).collect(java.util.stream.Collectors.joining(" ")));
        long[] lat = clients.latencies();
        Arrays.sort(lat);
        return "| %s | %,d | %.2f s | %,d (%d/s) | %,d / %,d%s | %s | %s | %s | %.1f + %.1f | %.1f | %d → %d → %d MB | %.1f KB | %s | %s |"
                .formatted(name, streams, connectSeconds, Arrays.stream(posted).sum(), rate, clients.delivered(),
                        expected, clients.delivered() == expected ? " (none lost)" : " (LOST " + (expected - clients.delivered()) + ")",
                        ms(lat, 0.50), ms(lat, 0.99), ms(lat, 1.0), connected.cpuSeconds() - before.cpuSeconds(),
                        after.cpuSeconds() - delivering.cpuSeconds(), clientCpu,
                        before.rssKb() / 1024, connected.rssKb() / 1024, after.rssKb() / 1024,
                        (connected.rssKb() - before.rssKb()) / (double) streams, livePerStream, Sample.loadAverage());
    }

    /** Posts job_progress events round-robin over the jobs at a steady total rate; returns how many per job. */
    static long[] publish(Api api, String token, List<String> jobs, int rate, int seconds) throws Exception {
        java.util.concurrent.atomic.AtomicLongArray accepted = new java.util.concurrent.atomic.AtomicLongArray(jobs.size());
        AtomicLong failed = new AtomicLong();
        long interval = 1_000_000_000L / rate;
        long count = (long) rate * seconds;
        long start = System.nanoTime();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < count; i++) {
                long wait = start + i * interval - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                int job = (int) (i % jobs.size());
                long n = i;
                senders.submit(() -> {
                    String event = "{\"type\":\"job_progress\",\"current\":%d,\"message\":\"sent:%d\"}"
                            .formatted(n + 1, System.nanoTime());
                    if (api.post(token, jobs.get(job), event)) {
                        accepted.incrementAndGet(job);
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
        }
        if (failed.get() > 0) {
            System.out.println(failed.get() + " events were refused (not expected on the streams)");
        }
        long[] posted = new long[jobs.size()];
        Arrays.setAll(posted, accepted::get);
        return posted;
    }

    static String ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return "–";
        }
        long nanos = sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
        return nanos >= 1_000_000_000L ? "%.2f s".formatted(nanos / 1e9) : "%.1f ms".formatted(nanos / 1e6);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Thousands of SSE clients spread over a few selector threads; per client only its parse state. */
    static final class Clients {
        private final InetSocketAddress address;
        private final String host;
        private final Loop[] loops;
        private final AtomicInteger subscribed = new AtomicInteger();
        private final AtomicInteger completed = new AtomicInteger();
        private final AtomicLong delivered = new AtomicLong();
        /** Per event (keyed by when it was sent): its slowest delivery, to tell warm-up from steady state. */
        final java.util.concurrent.ConcurrentSkipListMap<Long, Long> slowestPerEvent = new java.util.concurrent.ConcurrentSkipListMap<>();
        private final java.util.concurrent.Semaphore connecting = new java.util.concurrent.Semaphore(200);
        private int next;

        Clients(URI base, int threads) throws IOException {
            this.address = new InetSocketAddress(base.getHost(), base.getPort());
            this.host = base.getHost() + ":" + base.getPort();
            this.loops = new Loop[threads];
            for (int t = 0; t < threads; t++) {
                loops[t] = new Loop();
                Thread.ofPlatform().daemon().name("sse-clients-" + t).start(loops[t]);
            }
        }

        void open(String path, int group) throws Exception {
            connecting.acquire();
            byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.connect(address);
            Loop loop = loops[next++ % loops.length];
            loop.add(new Conn(channel, request, loop));
        }

        void awaitSubscribed(int n, Duration patience) throws InterruptedException {
            await(() -> subscribed.get() >= n, patience, () -> subscribed.get() + " of " + n + " subscribed");
        }

        void awaitDelivered(long n, Duration patience) throws InterruptedException {
            await(() -> delivered.get() >= n, patience, () -> delivered.get() + " of " + n + " delivered");
        }

        void awaitCompleted(int n, Duration patience) throws InterruptedException {
            await(() -> completed.get() >= n, patience, () -> completed.get() + " of " + n + " saw job_complete");
        }

        private static void await(java.util.function.BooleanSupplier done, Duration patience,
                java.util.function.Supplier<String> state) throws InterruptedException {
            long deadline = System.nanoTime() + patience.toNanos();
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    System.out.println("gave up waiting: " + state.get());
                    return;
                }
                Thread.sleep(20);
            }
        }

        long delivered() {
            return delivered.get();
        }

        long[] latencies() {
            int size = 0;
            for (Loop loop : loops) {
                size += loop.latencyCount;
            }
            long[] all = new long[size];
            int at = 0;
            for (Loop loop : loops) {
                System.arraycopy(loop.latencies, 0, all, at, loop.latencyCount);
                at += loop.latencyCount;
            }
            return all;
        }

        void close() {
            for (Loop loop : loops) {
                loop.stop();
            }
        }

        final class Conn {
            final SocketChannel channel;
            final ByteBuffer request;
            final Loop loop;
            byte[] carry = new byte[0];
            boolean subscribedYet;

            Conn(SocketChannel channel, byte[] request, Loop loop) {
                this.channel = channel;
                this.loop = loop;
                this.request = ByteBuffer.wrap(request);
            }

            /** Parses whole lines; a line cut by the read is carried to the next one. */
            void onBytes(byte[] bytes, int length) {
                byte[] data = bytes;
                int end = length;
                if (carry.length > 0) {
                    data = new byte[carry.length + length];
                    System.arraycopy(carry, 0, data, 0, carry.length);
                    System.arraycopy(bytes, 0, data, carry.length, length);
                    end = data.length;
                }
                int lineStart = 0;
                for (int i = 0; i < end; i++) {
                    if (data[i] == '\n') {
                        onLine(data, lineStart, i);
                        lineStart = i + 1;
                    }
                }
                carry = lineStart == end ? EMPTY : Arrays.copyOfRange(data, lineStart, end);
            }

            private void onLine(byte[] data, int from, int to) {
                if (to - from < 5 || data[from] != 'd' || data[from + 1] != 'a' || data[from + 4] != ':') {
                    return;
                }
                long received = System.nanoTime();
                if (!subscribedYet) {
                    subscribedYet = true;
                    subscribed.incrementAndGet();
                    connecting.release();
                    return;
                }
                int job = indexOf(data, JOB, from, to);
                int limit = job < 0 ? to : job;
                int sent = indexOf(data, SENT, from, limit);
                if (sent >= 0) {
                    long nanos = 0;
                    for (int i = sent + SENT.length; i < limit && data[i] >= '0' && data[i] <= '9'; i++) {
                        nanos = nanos * 10 + (data[i] - '0');
                    }
                    loop.record(received - nanos);
                    slowestPerEvent.merge(nanos, received - nanos, Math::max);
                    delivered.incrementAndGet();
                } else if (indexOf(data, COMPLETE, from, limit) >= 0) {
                    completed.incrementAndGet();
                }
            }
        }

        final class Loop implements Runnable {
            final Selector selector;
            final ConcurrentLinkedQueue<Conn> added = new ConcurrentLinkedQueue<>();
            final byte[] bytes = new byte[64 * 1024];
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long[] latencies = new long[1 << 20];
            int latencyCount;
            volatile boolean running = true;

            Loop() throws IOException {
                selector = Selector.open();
            }

            void add(Conn conn) {
                added.add(conn);
                selector.wakeup();
            }

            void stop() {
                running = false;
                selector.wakeup();
            }

            @Override
            public void run() {
                try {
                    while (running) {
                        selector.select(100);
                        for (Conn conn; (conn = added.poll()) != null;) {
                            conn.channel.register(selector, SelectionKey.OP_CONNECT, conn);
                        }
                        for (var it = selector.selectedKeys().iterator(); it.hasNext();) {
                            SelectionKey key = it.next();
                            it.remove();
                            handle(key);
                        }
                    }
                    for (SelectionKey key : selector.keys()) {
                        key.channel().close();
                    }
                    selector.close();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            private void handle(SelectionKey key) {
                Conn conn = (Conn) key.attachment();
                try {
                    if (key.isConnectable() && conn.channel.finishConnect()) {
                        conn.channel.write(conn.request);
                        key.interestOps(SelectionKey.OP_READ);
                    } else if (key.isReadable()) {
                        buffer.clear();
                        int n = conn.channel.read(buffer);
                        if (n < 0) {
                            key.cancel();
                            conn.channel.close();
                        } else if (n > 0) {
                            conn.onBytes(bytes, n);
                        }
                    }
                } catch (IOException e) {
                    key.cancel();
                }
            }

            void record(long latency) {
                if (latencyCount == latencies.length) {
                    latencies = Arrays.copyOf(latencies, latencies.length * 2);
                }
                latencies[latencyCount++] = latency;
            }
        }
    }

    static int indexOf(byte[] data, byte[] pattern, int from, int to) {
        outer:
        for (int i = from; i <= to - pattern.length; i++) {
            for (int k = 0; k < pattern.length; k++) {
                if (data[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The service's admin API over java.net.http: a token, events, readiness. */
    record Api(HttpClient http, String base, String admin) {

        void awaitReady() throws InterruptedException {
            for (int i = 0; i < 1200; i++) {
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                            BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // the service is still starting
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("service not ready");
        }

        String createToken() throws Exception {
            String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/tokens"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"streams-bench\",\"project\":\"default\",\"scopes\":[\"ingest\",\"read\"]}"))
                    .build(), BodyHandlers.ofString()).body();
            int at = body.indexOf("\"token\":\"") + 9;
            return body.substring(at, body.indexOf('"', at));
        }

        boolean post(String token, String job, String event) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs/" + job + "/events"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(event)).build(), BodyHandlers.discarding())
                        .statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }
    }

    /** RSS and CPU of a process from /proc. */
    record Sample(long rssKb, double cpuSeconds) {

        static Sample of(long pid) throws IOException {
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return new Sample(rss, cpuOf(pid));
        }

        static double ownCpuSeconds() throws IOException {
            return cpuOf(ProcessHandle.current().pid());
        }

        private static double cpuOf(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        }

        /**
         * The server's live heap in bytes (a full GC, then the class histogram's total, by jcmd), or -1 when
         * it cannot tell (a native executable). RSS also counts garbage not yet collected and heap the JVM
         * keeps; this is what open streams really hold on the heap.
         */
        static long liveHeapBytes(long pid) {
            Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
            try {
                Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                        .redirectErrorStream(true).start();
                List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        .lines().toList();
                process.waitFor();
                String total = lines.isEmpty() ? "" : lines.getLast().strip();
                return total.startsWith("Total") ? Long.parseLong(total.split("\\s+")[2]) : -1;
            } catch (IOException | InterruptedException | RuntimeException e) {
                return -1;
            }
        }

        static String loadAverage() throws IOException {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        if (value == null && fallback == null) {
            throw new IllegalStateException(name + " is required");
        }
        return value == null ? fallback : value;
    }

    static int intEnv(String name, int fallback) {
        return Integer.parseInt(env(name, Integer.toString(fallback)));
    }
}
