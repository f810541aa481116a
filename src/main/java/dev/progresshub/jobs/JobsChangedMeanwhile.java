package dev.progresshub.jobs;

import java.sql.SQLException;

/**
 * A write prepared on the states its writer held ({@link JobStore#commitAtOnce}) found a job changed since: the
 * transaction rolled back before writing anything, and the writer goes again, locking and reading first.
 */
public class JobsChangedMeanwhile extends JobWriteException {

    /** The SQLSTATE {@code progresshub_expect} (V6) raises. */
    static final String SQL_STATE = "PH409";

    JobsChangedMeanwhile(SQLException cause) {
        super(cause);
    }
}
