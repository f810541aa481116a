package dev.progresshub.ingest;

import java.time.Instant;
import java.util.Optional;

import dev.progresshub.domain.JobState;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.jobs.JobKey;

/**
 * One ingest request as the group committer applies it: which job it touches, how that job starts when it
 * does not exist, and what it changes. {@link #apply} runs on the locked job's state inside the group's
 * transaction; it may throw to refuse this request alone (its changes are undone, the group goes on).
 */
public abstract class IngestWork {

    private final IngestService.Request request;
    private final JobKey key;

    protected IngestWork(IngestService.Request request, JobKey key) {
        this.request = request;
        this.key = key;
    }

    /** Its retry identity: with an Idempotency-Key, the first committed answer is replayed. */
    public final IngestService.Request request() {
        return request;
    }

    public final JobKey key() {
        return key;
    }

    /** The job this request creates when it does not exist; empty when it must exist (else 404). */
    public abstract Optional<JobState> newJob(Instant now);

    /** The answer when the job does not exist and this request does not create it. */
    public RuntimeException notFound() {
        return ProblemException.notFound("no job '" + key.id() + "'");
    }

    /**
     * At most how many timeline events it stores: the group takes that many ids ahead, with its locks. A guess
     * too low only costs the group a round trip to number its events.
     */
    public abstract int maxTimelineEvents();

    /** Applies the request to its job; deterministic for a given state and {@code now}, so it can be replayed. */
    public abstract IngestAnswer apply(JobInGroup job, Instant now);
}
