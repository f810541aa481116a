package dev.progresshub.jobs;

import java.sql.SQLException;

/** A statement of the write path failed: the transaction rolls back, nobody gets a 2xx for it. */
public class JobWriteException extends RuntimeException {

    JobWriteException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
