package dev.progresshub.errors;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;

import org.hibernate.exception.JDBCConnectionException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.progresshub.domain.DomainException;
import dev.progresshub.domain.InvalidEventException;
import dev.progresshub.domain.TerminalJobException;

/**
 * How a failure becomes a problem answer, for {@link ProblemMapper} and for the few routes served
 * outside JAX-RS (the streaming log upload): one set of rules, so every error looks the same.
 */
public final class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);
    private static final String DATABASE_RETRY_AFTER_SECONDS = "5";

    private Problems() {
    }

    public static ProblemAnswer of(Throwable e) {
        return switch (e) {
            case ProblemException p -> new ProblemAnswer(p.problem(), p.headers());
            case InvalidEventException invalid -> plain(invalidEvent(invalid));
            case TerminalJobException terminal -> plain(Problem.of(409, "terminal-job", "Job is finished",
                    terminal.getMessage()));
            case DomainException domain -> plain(Problem.of(400, "bad-request", "Bad request", domain.getMessage()));
            case JsonProcessingException json -> plain(malformedJson(json));
            default -> unexpected(e);
        };
    }

    /** The database is unreachable: a retryable 503. */
    public static ProblemAnswer databaseUnavailable(Throwable e) {
        LOG.warnf("database unreachable: %s", e.getClass().getSimpleName());
        return new ProblemAnswer(Problem.of(503, "database-unavailable", "Service unavailable",
                "the database is unreachable; retry shortly"), Map.of("Retry-After", DATABASE_RETRY_AFTER_SECONDS));
    }

    private static ProblemAnswer unexpected(Throwable e) {
        if (causedByLostDatabase(e)) {
            return databaseUnavailable(e);
        }
        LOG.error("unexpected failure", e);
        return plain(Problem.of(500, "internal", "Internal error", "an unexpected error occurred"));
    }

    private static Problem invalidEvent(InvalidEventException e) {
        List<Problem.FieldProblem> fields = e.errors().stream()
                .map(error -> new Problem.FieldProblem(error.field(), error.message()))
                .toList();
        return Problem.of(400, "validation", "Invalid request", e.getMessage()).withErrors(fields);
    }

    private static Problem malformedJson(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return Problem.of(400, "malformed-json", "Malformed JSON", "the body is not valid JSON" + where);
    }

    /** Whether the failure, or one of its causes, is a lost or unreachable database. */
    public static boolean causedByLostDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JDBCConnectionException || t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && isConnectionFailure(sql)) {
                return true;
            }
        }
        return false;
    }

    private static ProblemAnswer plain(Problem problem) {
        return new ProblemAnswer(problem, Map.of());
    }

    /**
     * SQLState class 08 is a lost or refused connection (PostgreSQL driver). Agroal's pool timeout carries no
     * SQLState: with the database down, no connection can be made within the acquisition timeout.
     */
    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        if (state != null) {
            return state.startsWith("08");
        }
        return e.getMessage() != null && e.getMessage().contains("acquisition timeout");
    }
}
