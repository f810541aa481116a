package dev.progresshub.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One instance of the packaged service as a child process (the native binary after {@code -Dnative}, else
 * the fast-jar), in the prod profile, on its own port, against the given database. Tests use it for what
 * one in-JVM instance cannot show: several instances on one database, SIGTERM, SIGKILL and outages.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts an instance and waits until it reports ready. */
    public static ServiceProcess start(String name, String jdbcUrl) {
        ServiceProcess service = spawn(name, jdbcUrl, Api.ADMIN_TOKEN);
        service.awaitReady();
        return service;
    }

    /**
     * Starts an instance with the given bootstrap admin token and {@code -D} settings, without waiting for it
     * (it may refuse to start).
     */
    public static ServiceProcess spawn(String name, String jdbcUrl, String adminToken, String... settings) {
        int port = EmbeddedDatabase.freePort();
        List<String> command = new ArrayList<>(launcher());
        command.addAll(List.of(
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
                "-Dquarkus.datasource.username=postgres",
                "-Dquarkus.datasource.password=postgres",
                "-Dprogress-hub.limits.requests-per-second=100000",
                "-Dprogress-hub.limits.burst=100000",
                "-Dprogress-hub.streams.heartbeat-interval=1s"));
        command.addAll(List.of(settings));
        if (isJar(command)) {
            command.add("-jar");
            command.add(artifact().toString());
        }
        try {
            Path logDir = Files.createDirectories(Path.of("target", "service-processes"));
            Path log = logDir.resolve(name + "-" + System.currentTimeMillis() + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("PROGRESS_HUB_ADMIN_TOKEN", adminToken);
            return new ServiceProcess(name, port, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUri() {
        return "http://localhost:" + port;
    }

    public ApiClient api() {
        return ApiClient.at(baseUri());
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM: the graceful path a platform takes on a rolling update. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: the process vanishes mid-work, nothing of it runs anymore. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public boolean waitForExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int exitCode() {
        return process.exitValue();
    }

    /** The /q/health/ready status code, or -1 while nothing answers. */
    public int readiness() {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(baseUri() + "/q/health/ready")).timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void awaitReady() {
        try {
            await("instance " + name + " ready (log: " + log + ")").atMost(STARTUP)
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("instance " + name + " exited; log: " + log, () -> !process.isAlive())
                    .until(() -> readiness() == 200);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** What the build produced: Quarkus records it in target/quarkus-artifact.properties. */
    private static List<String> launcher() {
        Path artifact = artifact();
        if (artifact.toString().endsWith(".jar")) {
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        return List.of(artifact.toString());
    }

    private static boolean isJar(List<String> command) {
        return command.getFirst().endsWith("java");
    }

    private static Path artifact() {
        Path target = Path.of("target").toAbsolutePath();
        Properties built = new Properties();
        try (InputStream in = Files.newInputStream(target.resolve("quarkus-artifact.properties"))) {
            built.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("no packaged application: run these tests with ./mvnw verify", e);
        }
        return target.resolve(built.getProperty("path"));
    }
}
