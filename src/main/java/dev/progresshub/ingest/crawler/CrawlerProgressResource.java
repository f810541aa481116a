package dev.progresshub.ingest.crawler;

import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.progresshub.auth.CurrentCaller;
import dev.progresshub.auth.RequiresScope;
import dev.progresshub.auth.Scope;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.ingest.IngestResource;
import dev.progresshub.ingest.IngestService;
import dev.progresshub.ingest.JsonBodies;
import dev.progresshub.jobs.JobKey;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /api/internal/jobs/progress}: the seed-003 crawler's progress report, applied as events. A
 * retry never counts twice: the Idempotency-Key, or else the payload's {@code updateId}, makes the report
 * apply once and replays the first answer. The answer is the events answer, with the job's
 * {@code requestedState}.
 */
@Path("/api/internal/jobs/progress")
@RequiresScope(Scope.INGEST)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CrawlerProgressResource {

    private final IngestService ingest;
    private final JsonBodies bodies;
    private final CurrentCaller caller;

    CrawlerProgressResource(IngestService ingest, JsonBodies bodies, CurrentCaller caller) {
        this.ingest = ingest;
        this.bodies = bodies;
        this.caller = caller;
    }

    @POST
    @Blocking
    public CompletionStage<Response> report(byte[] body, @QueryParam("project") String project,
            @HeaderParam(IngestResource.IDEMPOTENCY_KEY) String idempotencyKey, UriInfo uri) {
        CrawlerProgress progress = bodies.read(body, CrawlerProgress.class);
        if (progress.taskId() == null || !IngestService.JOB_ID.matcher(progress.taskId()).matches()) {
            throw ProblemException.invalid("taskId", "required: 1-128 characters, letters, digits and . _ : @ -");
        }
        var events = CrawlerProgressMapper.events(progress);
        String retryKey = idempotencyKey != null && !idempotencyKey.isBlank() ? idempotencyKey
                : progress.updateId() == null || progress.updateId().isBlank() ? null : "update:" + progress.updateId();
        var request = IngestResource.request(caller.get(), retryKey, uri, body);
        JobKey key = new JobKey(caller.get().projectFor(project), progress.taskId());
        return ingest.ingest(request, key, events).thenApply(IngestResource.answering(uri));
    }
}
