package dev.progresshub.errors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.hibernate.exception.JDBCConnectionException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.sql.SQLTransientConnectionException;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.progresshub.domain.DomainException;

/**
 * The one place where exceptions of JAX-RS resources become {@code application/problem+json}; the rules
 * themselves live in {@link Problems}. No stack trace, class or SQL leaks.
 */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(Problems.of(e));
    }

    @ServerExceptionMapper
    public Response domain(DomainException e) {
        return respond(Problems.of(e));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return respond(Problems.of(e));
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
        return respond(Problems.databaseUnavailable(e));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        return respond(Problems.of(e));
    }

    private static String slug(String title) {
        return title.toLowerCase().replace(' ', '-');
    }

    private static Response respond(ProblemAnswer answer) {
        Response.ResponseBuilder builder = builder(answer.problem());
        answer.headers().forEach(builder::header);
        return builder.build();
    }

    static Response.ResponseBuilder builder(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }
}
