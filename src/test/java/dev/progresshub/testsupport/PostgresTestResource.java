package dev.progresshub.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL for the test suites (JVM and native): started once, files under target/, never /tmp.
 * The returned settings reach the application, as -D options for the native binary.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgres postgres;

    @Override
    public Map<String, String> start() {
        try {
            Path home = Files.createDirectories(Path.of("target", "test-postgres").toAbsolutePath());
            postgres = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(home.resolve("bin").toFile())
                    .setDataDirectory(Files.createTempDirectory(home, "data"))
                    .setCleanDataDirectory(true)
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("fsync", "off")
                    // counts each statement the service runs at once (UnknownTokenFloodTest counts token lookups)
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.getJdbcUrl("postgres", "postgres"),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
