package dev.progresshub.ingest.session;

import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.SseEventSink;

import dev.progresshub.auth.CurrentCaller;
import dev.progresshub.auth.RequiresScope;
import dev.progresshub.auth.Scope;
import dev.progresshub.ingest.IngestResource;
import dev.progresshub.ingest.IngestService;
import dev.progresshub.ingest.JsonBodies;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.read.JobQueryService;
import dev.progresshub.streams.SseStreams;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;

/**
 * The seed-001 session API (CONTRACT section 6), same data as the jobs API: creating and reporting need
 * {@code ingest}; status and stream need {@code read} (the stream also takes {@code ?access_token=}).
 */
@Path("/api/progress")
public class SessionResource {

    private final SessionService sessions;
    private final JsonBodies bodies;
    private final JobQueryService queries;
    private final SseStreams streams;
    private final SessionStreamFormat format;
    private final CurrentCaller caller;

    SessionResource(SessionService sessions, JsonBodies bodies, JobQueryService queries, SseStreams streams,
            SessionStreamFormat format, CurrentCaller caller) {
        this.sessions = sessions;
        this.bodies = bodies;
        this.queries = queries;
        this.streams = streams;
        this.format = format;
        this.caller = caller;
    }

    @POST
    @Path("/sessions")
    @RequiresScope(Scope.INGEST)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public CompletionStage<Response> create(byte[] body, @QueryParam("project") String project,
            @HeaderParam(IngestResource.IDEMPOTENCY_KEY) String idempotencyKey, @Context UriInfo uri) {
        var create = bodies.read(body, SessionRequests.Create.class);
        return sessions.create(request(idempotencyKey, uri, body), caller.get().projectFor(project), create)
                .thenApply(IngestResource.answering(uri));
    }

    @POST
    @Path("/{sessionId}")
    @RequiresScope(Scope.INGEST)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public CompletionStage<Response> update(@PathParam("sessionId") String sessionId, byte[] body,
            @QueryParam("project") String project, @HeaderParam(IngestResource.IDEMPOTENCY_KEY) String idempotencyKey,
            @Context UriInfo uri) {
        var update = bodies.read(body, SessionRequests.Update.class);
        return sessions.update(request(idempotencyKey, uri, body), key(project, sessionId), update)
                .thenApply(IngestResource.answering(uri));
    }

    /** {@code POST /api/progress/{sessionId}/complete} and {@code …/error}, each with an optional {message}. */
    @POST
    @Path("/{sessionId}/{ending: complete|error}")
    @RequiresScope(Scope.INGEST)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public CompletionStage<Response> end(@PathParam("sessionId") String sessionId, @PathParam("ending") String ending, byte[] body,
            @QueryParam("project") String project, @HeaderParam(IngestResource.IDEMPOTENCY_KEY) String idempotencyKey,
            @Context UriInfo uri) {
        var end = body == null || body.length == 0 ? new SessionRequests.End(null)
                : bodies.read(body, SessionRequests.End.class);
        var request = request(idempotencyKey, uri, body);
        JobKey key = key(project, sessionId);
        return ("complete".equals(ending) ? sessions.complete(request, key, end) : sessions.error(request, key, end))
                .thenApply(IngestResource.answering(uri));
    }

    @GET
    @Path("/status/{sessionId}")
    @RequiresScope(Scope.READ)
    @Produces(MediaType.APPLICATION_JSON)
    public SessionView status(@PathParam("sessionId") String sessionId, @QueryParam("project") String project) {
        var job = queries.snapshot(key(project, sessionId)).snapshot();
        return SessionView.of(job, SessionView.typeOf(job));
    }

    @GET
    @Path("/stream/{sessionId}")
    @RequiresScope(value = Scope.READ, allowQueryToken = true)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public void stream(@PathParam("sessionId") String sessionId,
            @QueryParam("project") String project, @HeaderParam("Last-Event-ID") String lastEventIdHeader,
            @QueryParam("lastEventId") String lastEventIdQuery, @Context HttpServerRequest request,
            @Context SseEventSink sink) {
        streams.job(caller.get(), key(project, sessionId), SseStreams.lastEventId(lastEventIdHeader, lastEventIdQuery),
                format, request, sink);
    }

    private JobKey key(String project, String sessionId) {
        IngestService.validateJobId(sessionId);
        return new JobKey(caller.get().projectFor(project), sessionId);
    }

    private IngestService.Request request(String idempotencyKey, UriInfo uri, byte[] body) {
        return IngestResource.request(caller.get(), idempotencyKey, uri, body);
    }
}
