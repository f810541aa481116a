package dev.progresshub.instances;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.EmbeddedDatabase;
import dev.progresshub.testsupport.ServiceProcess;

/**
 * A release as deploy/ runs it: the service does not migrate at start (and Hibernate starts without asking the
 * database anything), so on a database the migration job has not reached yet it stays out of the load balancer;
 * once the job migrated and exited, the same instance becomes ready and serves.
 */
class MigrationJobIT {

    private static final Duration STARTUP = Duration.ofSeconds(90);

    @Test
    void anInstanceThatDoesNotMigrateWaitsNotReadyUntilTheMigrationJobRanThenServes() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start();
                ServiceProcess service = ServiceProcess.spawn("no-migration", db.jdbcUrl(), Api.ADMIN_TOKEN,
                        "-Dquarkus.flyway.migrate-at-start=false")) {
            await("the instance answers its readiness probe").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                    .failFast("the instance exited (its log is under target/service-processes)", () -> !service.alive())
                    .until(() -> service.readiness() != -1);
            assertEquals(503, service.readiness(), "ready on a database nothing migrated");
            assertFalse(migrated(db), "an instance started with migrate-at-start=false migrated the schema");

            try (ServiceProcess job = ServiceProcess.spawn("migration-job", db.jdbcUrl(), Api.ADMIN_TOKEN,
                    "-Dquarkus.flyway.migrate-at-start=true", "-Dquarkus.init-and-exit=true")) {
                assertTrue(job.waitForExit(STARTUP), "the migration job did not exit; log:\n" + job.logText());
                assertEquals(0, job.exitCode(), "the migration job failed; log:\n" + job.logText());
            }
            assertTrue(migrated(db), "the migration job left no schema history");

            await("ready once the schema is migrated").atMost(Duration.ofSeconds(30))
                    .until(() -> service.readiness() == 200);
            String id = service.api().createJob("After the migration job", Map.of());
            service.api().admin().get("/api/jobs").then().statusCode(200).body("items.id", hasItem(id));
        }
    }

    private static boolean migrated(EmbeddedDatabase db) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
                ResultSet history = statement.executeQuery("select to_regclass('flyway_schema_history') is not null")) {
            history.next();
            return history.getBoolean(1);
        }
    }
}
