package dev.progresshub.streams;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;

import dev.progresshub.auth.CurrentCaller;
import dev.progresshub.auth.RequiresScope;
import dev.progresshub.auth.Scope;
import dev.progresshub.jobs.JobFilter;
import dev.progresshub.read.JobReadResource;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;

/** Every job of the caller's project (or all, for admins) as Server-Sent Events, filtered by job and status. */
@Path("/api/stream")
@Produces(MediaType.SERVER_SENT_EVENTS)
@RequiresScope(value = Scope.READ, allowQueryToken = true)
public class GlobalStreamResource {

    private final SseStreams streams;
    private final StreamStarts starts;
    private final GlobalStartMemo memo;
    private final CurrentCaller caller;

    GlobalStreamResource(SseStreams streams, StreamStarts starts, GlobalStartMemo memo, CurrentCaller caller) {
        this.streams = streams;
        this.starts = starts;
        this.memo = memo;
        this.caller = caller;
    }

    @GET
    @Blocking
    public void stream(@QueryParam("project") String project, @QueryParam("job") String jobs,
            @QueryParam("status") String status, @HeaderParam("Last-Event-ID") String lastEventIdHeader,
            @QueryParam("lastEventId") String lastEventIdQuery, @Context HttpServerRequest request,
            @Context SseEventSink sink) {
        JobFilter filter = JobReadResource.filter(caller.get(), project, jobs, status, null, null, null);
        Long lastEventId = SseStreams.lastEventId(lastEventIdHeader, lastEventIdQuery);
        streams.jobs(caller.get(), filter, () -> lastEventId == null
                ? memo.start(filter, () -> starts.forJobs(filter, null))
                : starts.forJobs(filter, lastEventId), request, sink);
    }
}
