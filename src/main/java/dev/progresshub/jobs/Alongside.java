package dev.progresshub.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A statement that goes to PostgreSQL in the same round trip as one of the group commit's own (the
 * Idempotency-Key claim ahead of the row locks; the timeline rows, the keys' answers, the cluster NOTIFY and
 * the COMMIT along with the state write): one message and one wait instead of two.
 */
public interface Alongside {

    /** Binds a statement's parameters from index {@code first}; returns the next free index. */
    @FunctionalInterface
    interface Binder {
        int bind(Connection connection, PreparedStatement statement, int first) throws SQLException;
    }

    /** A statement whose rows, if any, are not read: its SQL and how it binds. */
    static Alongside of(String sql, Binder binder) {
        return new Alongside() {
            @Override
            public String sql() {
                return sql;
            }

            @Override
            public int bind(Connection connection, PreparedStatement statement, int first) throws SQLException {
                return binder.bind(connection, statement, first);
            }
        };
    }

    /** The statement, with {@code ?} parameters. */
    String sql();

    /** Binds its parameters from index {@code first}; returns the next free index. */
    int bind(Connection connection, PreparedStatement statement, int first) throws SQLException;

    /** Takes the rows it returned, if it returns rows. */
    default void read(ResultSet rows) throws SQLException {
    }

    /** Runs it in a round trip of its own. */
    default void executeAlone(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql())) {
            bind(connection, statement, 1);
            statement.execute();
            readAndSkip(statement);
        }
    }

    /** Hands it the statement's current result, then moves the statement on to its next result. */
    default void readAndSkip(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.getResultSet()) {
            if (rows != null) {
                read(rows);
            }
        }
        statement.getMoreResults();
    }
}
