package dev.progresshub.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * Holds the group committer still, deterministically: a job's row is locked from outside, so the group that
 * touches it waits on the lock and later requests pile up in the queue until {@link #release()}.
 */
public final class HeldCommitter implements AutoCloseable {

    private final DataSource dataSource;
    private final Connection lock;

    private HeldCommitter(DataSource dataSource, Connection lock) {
        this.dataSource = dataSource;
        this.lock = lock;
    }

    /** Locks the row of this (existing) job until released. */
    public static HeldCommitter onJob(DataSource dataSource, String project, String job) throws SQLException {
        Connection lock = dataSource.getConnection();
        lock.setAutoCommit(false);
        try (PreparedStatement select = lock.prepareStatement(
                "select 1 from job where project = ? and id = ? for update")) {
            select.setString(1, project);
            select.setString(2, job);
            select.executeQuery().close();
        }
        return new HeldCommitter(dataSource, lock);
    }

    /** True once a transaction (the committer's) waits on a lock. */
    public boolean committerWaits() throws SQLException {
        return waitingOnLocks(dataSource) > 0;
    }

    /** How many of the database's sessions wait on a lock now. */
    public static int waitingOnLocks(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "select count(*) from pg_stat_activity where wait_event_type = 'Lock'")) {
            row.next();
            return row.getInt(1);
        }
    }

    public void release() throws SQLException {
        lock.commit();
    }

    @Override
    public void close() throws SQLException {
        lock.close();
    }
}
