package dev.progresshub.ingest.crawler;

import java.time.Clock;
import java.util.concurrent.CompletionException;
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
import dev.progresshub.domain.DomainLimits;
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

    /** Within the Idempotency-Key bound, with the "update:" prefix it is stored under. */
    private static final int MAX_UPDATE_ID_CHARS = 200;

    private final IngestService ingest;
    private final JsonBodies bodies;
    private final CurrentCaller caller;
    private final DomainLimits limits;
    private final Clock clock;

    CrawlerProgressResource(IngestService ingest, JsonBodies bodies, CurrentCaller caller, DomainLimits limits,
            Clock clock) {
        this.ingest = ingest;
        this.bodies = bodies;
        this.caller = caller;
        this.limits = limits;
        this.clock = clock;
    }

    @POST
    @Blocking
    public CompletionStage<Response> report(byte[] body, @QueryParam("project") String project,
            @HeaderParam(IngestResource.IDEMPOTENCY_KEY) String idempotencyKey, UriInfo uri) {
        CrawlerProgress progress = bodies.read(body, CrawlerProgress.class);
        if (progress.taskId() == null || !IngestService.JOB_ID.matcher(progress.taskId()).matches()) {
            throw ProblemException.invalid("taskId", "required: 1-128 characters, letters, digits and . _ : @ -");
        }
        String updateId = progress.updateId();
        if (updateId != null && (updateId.length() > MAX_UPDATE_ID_CHARS || updateId.indexOf('\u0000') >= 0)) {
            throw ProblemException.invalid("updateId", "at most " + MAX_UPDATE_ID_CHARS + " characters, no U+0000");
        }
        if (progress.timeline() != null) {
            bodies.checkEventCount(progress.timeline().size(), "timeline[]");
        }
        var events = CrawlerProgressMapper.events(progress, limits, clock.instant());
        boolean keyedByUpdateId = idempotencyKey == null || idempotencyKey.isBlank();
        String retryKey = !keyedByUpdateId ? idempotencyKey
                : progress.updateId() == null || progress.updateId().isBlank() ? null : "update:" + progress.updateId();
        var request = IngestResource.request(caller.get(), retryKey, uri, body);
        JobKey key = new JobKey(caller.get().projectFor(project), progress.taskId());
        return ingest.ingest(request, key, events).exceptionally(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            // the crawler never sent an Idempotency-Key: say what it did reuse
            if (keyedByUpdateId && retryKey != null && cause instanceof ProblemException problem
                    && problem.problem().status() == 422) {
                throw ProblemException.updateIdReused(progress.updateId());
            }
            throw failure instanceof CompletionException completion ? completion : new CompletionException(cause);
        }).thenApply(IngestResource.answering(uri));
    }
}
