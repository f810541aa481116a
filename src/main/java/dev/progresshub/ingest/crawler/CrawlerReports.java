package dev.progresshub.ingest.crawler;

import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.progresshub.auth.Caller;
import dev.progresshub.domain.DomainLimits;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.ingest.IngestAnswer;
import dev.progresshub.ingest.IngestService;
import dev.progresshub.ingest.JsonBodies;
import dev.progresshub.jobs.JobKey;

/**
 * The seed-003 crawler's progress report, applied as events, whichever path took it (the event loop's
 * {@code EventsRoute} or {@link CrawlerProgressResource} on a worker). A retry never counts twice: the
 * Idempotency-Key, or else the payload's {@code updateId}, makes the report apply once and replays the first
 * answer.
 */
@ApplicationScoped
public class CrawlerReports {

    /** Within the Idempotency-Key bound, with the "update:" prefix it is stored under. */
    private static final int MAX_UPDATE_ID_CHARS = 200;

    private final IngestService ingest;
    private final JsonBodies bodies;
    private final DomainLimits limits;
    private final Clock clock;

    CrawlerReports(IngestService ingest, JsonBodies bodies, DomainLimits limits, Clock clock) {
        this.ingest = ingest;
        this.bodies = bodies;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Checks and applies one report; the stage completes with the events answer once its group committed.
     * {@code path} and {@code query} are the request's raw ones, part of its retry identity.
     */
    public CompletionStage<IngestAnswer> report(Caller caller, String project, String idempotencyKey, String path,
            String query, byte[] body) {
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
        CrawlerProgressMapper.Mapped mapped = CrawlerProgressMapper.events(progress, limits, clock.instant());
        boolean keyedByUpdateId = idempotencyKey == null || idempotencyKey.isBlank();
        String retryKey = !keyedByUpdateId ? idempotencyKey
                : updateId == null || updateId.isBlank() ? null : "update:" + updateId;
        var request = IngestService.Request.of(caller, retryKey, path, query, body);
        JobKey key = new JobKey(caller.projectFor(project), progress.taskId());
        return ingest.ingest(request, key, mapped.events(), mapped.carried()).exceptionally(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            // the crawler never sent an Idempotency-Key: say what it did reuse
            if (keyedByUpdateId && retryKey != null && cause instanceof ProblemException problem
                    && problem.problem().status() == 422) {
                throw ProblemException.updateIdReused(updateId);
            }
            throw failure instanceof CompletionException completion ? completion : new CompletionException(cause);
        });
    }
}
