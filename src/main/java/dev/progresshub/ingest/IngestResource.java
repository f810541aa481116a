package dev.progresshub.ingest;

import java.net.URI;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.progresshub.auth.Caller;
import dev.progresshub.auth.CurrentCaller;
import dev.progresshub.auth.RequiresScope;
import dev.progresshub.auth.Scope;
import dev.progresshub.jobs.JobKey;
import io.smallrye.common.annotation.Blocking;

@Path("/api/jobs")
@RequiresScope(Scope.INGEST)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class IngestResource {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final IngestService ingest;
    private final JsonBodies bodies;
    private final CurrentCaller caller;

    IngestResource(IngestService ingest, JsonBodies bodies, CurrentCaller caller) {
        this.ingest = ingest;
        this.bodies = bodies;
        this.caller = caller;
    }

    /** Worker thread for the token lookup; it is released as soon as the request waits for its group. */
    @POST
    @Blocking
    public CompletionStage<Response> create(byte[] body, @QueryParam("project") String project,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, UriInfo uri) {
        CreateJobRequest request = bodies.read(body, CreateJobRequest.class);
        return ingest.createJob(request(caller.get(), idempotencyKey, uri, body), caller.get().projectFor(project),
                request).thenApply(answering(uri));
    }

    /** Reached when {@link EventsRoute} passes the request on (a token not known yet, a large body). */
    @POST
    @Path("/{id}/events")
    @Blocking
    public CompletionStage<Response> events(@PathParam("id") String id, byte[] body,
            @QueryParam("project") String project, @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, UriInfo uri) {
        IngestService.validateJobId(id);
        var events = bodies.readEvents(body);
        JobKey key = new JobKey(caller.get().projectFor(project), id);
        return ingest.ingest(request(caller.get(), idempotencyKey, uri, body), key, events)
                .thenApply(answering(uri));
    }

    /** The request's retry identity; its hash covers the path, the query string and the body. */
    public static IngestService.Request request(Caller caller, String idempotencyKey, UriInfo uri, byte[] body) {
        URI requested = uri.getRequestUri();
        return IngestService.Request.of(caller, idempotencyKey, requested.getRawPath(), requested.getRawQuery(),
                body == null ? new byte[0] : body);
    }

    /**
     * Turns an answer into the response. The answer arrives on the committer's thread, outside the request's
     * context, so the base of the Location is taken from the request beforehand.
     */
    public static Function<IngestAnswer, Response> answering(UriInfo uri) {
        URI base = uri.getBaseUri();
        return answer -> {
            Response.ResponseBuilder response = Response.status(answer.status())
                    .entity(answer.body()).type(MediaType.APPLICATION_JSON_TYPE);
            if (answer.status() == 201 && answer.location() != null) {
                response.header(HttpHeaders.LOCATION, base.resolve(answer.location()).toString());
            }
            return response.build();
        };
    }
}
