package dev.progresshub.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only on a schema migrated at least as far as this build's migrations go. Production migrates in a
 * step of its own (deploy/: the migration job) and Hibernate does not validate at start (it cost a cold start
 * more than this): an instance that starts first waits here, not ready, instead of failing requests. One
 * small query per probe until it holds, then none (migrations only go forward).
 */
@Readiness
@ApplicationScoped
public class SchemaReadiness implements HealthCheck {

    /** The version of the newest file in db/migration; SchemaReadinessTest keeps the two in step. */
    public static final String LATEST_MIGRATION = "6";

    private final DataSource dataSource;
    private volatile boolean migrated;

    public SchemaReadiness(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public HealthCheckResponse call() {
        if (!migrated) {
            migrated = latestMigrationApplied();
        }
        return HealthCheckResponse.named("schema").status(migrated).withData("migration", LATEST_MIGRATION).build();
    }

    private boolean latestMigrationApplied() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "select 1 from flyway_schema_history where version = ? and success")) {
            query.setString(1, LATEST_MIGRATION);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        } catch (SQLException notMigratedOrUnreachable) {
            return false;
        }
    }
}
