package dev.progresshub.errors;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.hibernate.exception.JDBCConnectionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.progresshub.domain.DomainException;
import dev.progresshub.domain.InvalidEventException;
import dev.progresshub.domain.TerminalJobException;

/** The one place where exceptions become {@code application/problem+json}; no stack trace, class or SQL leaks. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    private static final String DATABASE_RETRY_AFTER_SECONDS = "5";

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder builder = builder(e.problem());
        e.headers().forEach(builder::header);
        return builder.build();
    }

    @ServerExceptionMapper
    public Response invalidEvent(InvalidEventException e) {
        List<Problem.FieldProblem> fields = e.errors().stream()
                .map(error -> new Problem.FieldProblem(error.field(), error.message()))
                .toList();
        return builder(Problem.of(400, "validation", "Invalid request", e.getMessage()).withErrors(fields)).build();
    }

    @ServerExceptionMapper
    public Response terminalJob(TerminalJobException e) {
        return builder(Problem.of(409, "terminal-job", "Job is finished", e.getMessage())).build();
    }

    @ServerExceptionMapper
    public Response domain(DomainException e) {
        return builder(Problem.of(400, "bad-request", "Bad request", e.getMessage())).build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return builder(Problem.of(400, "malformed-json", "Malformed JSON", "the body is not valid JSON" + where)).build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = status == 415 ? "send application/json (or text/plain for /log)" : title.toLowerCase();
        return builder(Problem.of(status, slug(title), title, detail)).build();
    }

    @ServerExceptionMapper({ JDBCConnectionException.class, SQLTransientConnectionException.class })
    public Response databaseUnavailable(Exception e) {
        return serviceUnavailable(e);
    }

    private static Response serviceUnavailable(Throwable e) {
        LOG.warnf("database unreachable: %s", e.getClass().getSimpleName());
        return builder(Problem.of(503, "database-unavailable", "Service unavailable",
                "the database is unreachable; retry shortly"))
                .header("Retry-After", DATABASE_RETRY_AFTER_SECONDS).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (causedByLostDatabase(e)) {
            return serviceUnavailable(e);
        }
        LOG.error("unexpected failure", e);
        return builder(Problem.of(500, "internal", "Internal error", "an unexpected error occurred")).build();
    }

    private static boolean causedByLostDatabase(Throwable e) {
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

    private static String slug(String title) {
        return title.toLowerCase().replace(' ', '-');
    }

    static Response.ResponseBuilder builder(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }
}
