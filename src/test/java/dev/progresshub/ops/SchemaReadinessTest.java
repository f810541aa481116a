package dev.progresshub.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Readiness says "schema migrated" only when the newest migration of this build is applied: an instance
 * started before the deploy's migration job finished stays out of the load balancer instead of failing
 * requests (Hibernate no longer validates the schema at start).
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class SchemaReadinessTest {

    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.*\\.sql");

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void theCheckExpectsTheNewestMigrationFile() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            int newest = files.map(f -> MIGRATION.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
            assertEquals(Integer.toString(newest), SchemaReadiness.LATEST_MIGRATION,
                    "a new migration must move SchemaReadiness.LATEST_MIGRATION with it");
        }
    }

    @Test
    void aMigratedDatabaseIsReadyAndAnEmptyOneIsNot() throws Exception {
        assertEquals(HealthCheckResponse.Status.UP, new SchemaReadiness(dataSource).call().getStatus());

        String empty = "unmigrated_" + Api.uniqueProject().replaceAll("[^a-z0-9]", "").toLowerCase();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("create database " + empty);
        }
        PGSimpleDataSource unmigrated = new PGSimpleDataSource();
        unmigrated.setURL(jdbcUrl.replaceFirst("/postgres(\\?|$)", "/" + empty + "$1"));
        unmigrated.setUser("postgres");
        unmigrated.setPassword("postgres");
        assertEquals(HealthCheckResponse.Status.DOWN, new SchemaReadiness(unmigrated).call().getStatus());
        try (Connection connection = unmigrated.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("create table flyway_schema_history (version varchar(50), success boolean)");
            statement.execute("insert into flyway_schema_history values ('1', true)");
        }
        assertEquals(HealthCheckResponse.Status.DOWN, new SchemaReadiness(unmigrated).call().getStatus(),
                "an older schema is not ready either");
    }
}
