package dev.progresshub.jobs;

import java.sql.SQLException;

/**
 * A write prepared on what its writer held ({@link JobStore#commitAtOnce}) found the database changed since: a
 * job written by another writer, or an Idempotency-Key used before (a retry). The transaction rolled back before
 * writing anything, and the writer goes again, locking and reading first.
 */
public class ChangedMeanwhile extends JobWriteException {

    /** The SQLSTATE of {@code progresshub_expect} (V6) for a job's row no longer as its writer left it. */
    static final String JOB_CHANGED = "PHJOB";
    /** The SQLSTATE of {@code progresshub_expect} for a key expected new that was used before. */
    public static final String KEY_USED = "PHKEY";

    ChangedMeanwhile(SQLException cause) {
        super(cause);
    }

    static boolean raised(SQLException e) {
        return JOB_CHANGED.equals(e.getSQLState()) || KEY_USED.equals(e.getSQLState());
    }

    /** True when a job changed (another writer on it), false when a key was used before. */
    public boolean jobChanged() {
        return getCause() instanceof SQLException sql && JOB_CHANGED.equals(sql.getSQLState());
    }
}
