package dev.progresshub.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL owned by a test, for service instances started as child processes. It can be stopped
 * and started again on the same port and data, as a database outage and its end.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private final Path home;
    private final Path data;
    private final int port;
    private EmbeddedPostgres postgres;

    private EmbeddedDatabase(Path home, Path data, int port) {
        this.home = home;
        this.data = data;
        this.port = port;
    }

    public static EmbeddedDatabase start() {
        try {
            Path home = Files.createDirectories(Path.of("target", "test-postgres").toAbsolutePath());
            EmbeddedDatabase db = new EmbeddedDatabase(home, Files.createTempDirectory(home, "it-data"), freePort());
            db.startServer();
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
    }

    /** Stops the server: clients see refused connections until {@link #restart()}. */
    public void stop() {
        try {
            if (postgres != null) {
                postgres.close();
                postgres = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void restart() {
        startServer();
    }

    /** Never a "clean" data directory: that one is deleted on stop. An empty directory gets an initdb. */
    private void startServer() {
        try {
            postgres = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(home.resolve("bin").toFile())
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("listen_addresses", "localhost")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // left under target/, removed by the next clean
        }
    }
}
