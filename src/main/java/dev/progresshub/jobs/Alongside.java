package dev.progresshub.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A statement of another store that goes to PostgreSQL in the same round trip as a group's state write (for
 * the group commit's Idempotency-Key answers): one message, one wait, instead of two.
 */
public interface Alongside {

    /** The statement, with {@code ?} parameters; its results are not read. */
    String sql();

    /** Binds its parameters from index {@code first}. */
    void bind(Connection connection, PreparedStatement statement, int first) throws SQLException;
}
