package dev.progresshub.streams;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;

import dev.progresshub.auth.CurrentCaller;
import dev.progresshub.auth.RequiresScope;
import dev.progresshub.auth.Scope;
import dev.progresshub.ingest.IngestService;
import dev.progresshub.jobs.JobKey;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;

/** One job's events as Server-Sent Events; the stream ends after the job's terminal event. */
@Path("/api/jobs")
@Produces(MediaType.SERVER_SENT_EVENTS)
@RequiresScope(value = Scope.READ, allowQueryToken = true, shareLinks = true)
public class JobStreamResource {

    private final SseStreams streams;
    private final CurrentCaller caller;

    JobStreamResource(SseStreams streams, CurrentCaller caller) {
        this.streams = streams;
        this.caller = caller;
    }

    @GET
    @Path("/{id}/stream")
    @Blocking
    public void stream(@PathParam("id") String id, @QueryParam("project") String project,
            @HeaderParam("Last-Event-ID") String lastEventIdHeader, @QueryParam("lastEventId") String lastEventIdQuery,
            @Context HttpServerRequest request, @Context SseEventSink sink) {
        IngestService.validateJobId(id);
        JobKey key = new JobKey(caller.get().projectFor(project), id);
        Long lastEventId = SseStreams.lastEventId(lastEventIdHeader, lastEventIdQuery);
        streams.job(caller.get(), key, lastEventId, StreamFormat.STANDARD, request, sink);
    }
}
