package dev.progresshub.ops.devdb;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One embedded PostgreSQL per JVM. Its URL is kept in a system property because dev-mode live reload
 * builds a new class loader, and a second server on the same data directory would not start.
 */
public final class DevPostgres {

    private static final String URL_PROPERTY = "progresshub.devdb.url";

    private DevPostgres() {
    }

    public static synchronized Map<String, String> startOnce() {
        String url = System.getProperty(URL_PROPERTY);
        if (url == null) {
            url = start(Path.of("target", "embedded-postgres").toAbsolutePath());
            System.setProperty(URL_PROPERTY, url);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    /** Starts a server whose files all live under {@code home}, never in /tmp; returns its JDBC URL. */
    public static String start(Path home) {
        return start(home, Map.of());
    }

    /** The same, with server settings on top of the embedded defaults (e.g. {@code fsync=on} for a benchmark). */
    public static String start(Path home, Map<String, String> serverConfig) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(home.resolve("bin").toFile())
                    .setDataDirectory(new File(home.resolve("data").toString()))
                    .setCleanDataDirectory(false)
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("listen_addresses", "localhost");
            serverConfig.forEach(builder::setServerConfig);
            EmbeddedPostgres postgres = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres)));
            return postgres.getJdbcUrl("postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL under " + home, e);
        }
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException ignored) {
            // the JVM is exiting; the server's own shutdown is best effort
        }
    }
}
