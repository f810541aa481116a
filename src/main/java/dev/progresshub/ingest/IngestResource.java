package dev.progresshub.ingest;

import java.net.URI;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.progresshub.auth.CurrentCaller;
import dev.progresshub.auth.RequiresScope;
import dev.progresshub.auth.Scope;
import dev.progresshub.jobs.JobKey;

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

    @POST
    public Response create(byte[] body, @QueryParam("project") String project,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, UriInfo uri) {
        CreateJobRequest request = bodies.read(body, CreateJobRequest.class);
        return respond(ingest.createJob(request(idempotencyKey, uri, body), caller.get().projectFor(project), request));
    }

    @POST
    @Path("/{id}/events")
    public Response events(@PathParam("id") String id, byte[] body, @QueryParam("project") String project,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, UriInfo uri) {
        IngestService.validateJobId(id);
        var events = bodies.readEvents(body);
        JobKey key = new JobKey(caller.get().projectFor(project), id);
        return respond(ingest.ingest(request(idempotencyKey, uri, body), key, events));
    }

    private IngestService.Request request(String idempotencyKey, UriInfo uri, byte[] body) {
        return IngestService.Request.of(caller.get(), idempotencyKey, uri.getRequestUri().getRawPath(), body);
    }

    public static Response respond(IngestAnswer answer) {
        Response.ResponseBuilder response = Response.status(answer.status())
                .entity(answer.body()).type(MediaType.APPLICATION_JSON_TYPE);
        if (answer.status() == 201 && answer.location() != null) {
            response.location(URI.create(answer.location()));
        }
        return response.build();
    }
}
