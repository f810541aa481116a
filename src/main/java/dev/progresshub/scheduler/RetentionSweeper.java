package dev.progresshub.scheduler;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.ingest.IdempotencyStore;
import dev.progresshub.jobs.JobEntity;
import dev.progresshub.jobs.JobEventRepository;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobRepository;
import dev.progresshub.jobs.JobStore;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;

/**
 * Keeps the database from growing without bound: item-level events of long-finished jobs (the job-level
 * timeline and the snapshot stay), Idempotency-Key answers past their replay window, and finished seed-001
 * progress sessions. Every statement is idempotent and every job is handled under its row lock in its own
 * short transaction, so a sweep that runs on several instances at once, or dies halfway, does no harm.
 */
@ApplicationScoped
public class RetentionSweeper {

    /** What one sweep removed. */
    public record Swept(int idempotencyKeys, int prunedJobs, int prunedEvents, int deletedSessions) {
    }

    private static final Logger LOG = Logger.getLogger(RetentionSweeper.class);
    private static final int BATCH = 500;
    private static final List<String> ITEM_EVENT_TYPES = List.of("item_complete", "item_fail");
    private static final String SESSION_LABEL = "{\"source\":\"session\"}";

    private record Plan(int idempotencyKeys, List<JobKey> toPrune, List<JobKey> sessionsToDelete) {
        static final Plan NOTHING = new Plan(0, List.of(), List.of());
    }

    private final JobRepository jobs;
    private final JobEventRepository events;
    private final JobStore store;
    private final IdempotencyStore idempotency;
    private final SweepLock lock;
    private final ProgressHubConfig config;
    private final Clock clock;

    RetentionSweeper(JobRepository jobs, JobEventRepository events, JobStore store, IdempotencyStore idempotency,
            SweepLock lock, ProgressHubConfig config, Clock clock) {
        this.jobs = jobs;
        this.events = events;
        this.store = store;
        this.idempotency = idempotency;
        this.lock = lock;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${progress-hub.retention.sweep-interval}", concurrentExecution = ConcurrentExecution.SKIP,
            identity = "retention-sweeper")
    void scheduled() {
        Swept swept = sweep(clock.instant());
        if (swept.idempotencyKeys() + swept.prunedEvents() + swept.deletedSessions() > 0) {
            LOG.infof("retention: %s", swept);
        }
    }

    /** Applies every retention rule as of {@code now}. */
    public Swept sweep(Instant now) {
        Instant itemCutoff = now.minus(config.retention().finishedItemEvents());
        Instant sessionCutoff = now.minus(config.retention().finishedSessions());
        Plan plan = QuarkusTransaction.requiringNew().call(() -> plan(now, itemCutoff, sessionCutoff));
        int prunedJobs = 0;
        int prunedEvents = 0;
        for (JobKey key : plan.toPrune()) {
            int deleted = QuarkusTransaction.requiringNew().call(() -> pruneItemEvents(key, itemCutoff));
            if (deleted >= 0) {
                prunedJobs++;
                prunedEvents += deleted;
            }
        }
        int deletedSessions = 0;
        for (JobKey key : plan.sessionsToDelete()) {
            if (QuarkusTransaction.requiringNew().call(() -> deleteFinishedSession(key, sessionCutoff))) {
                deletedSessions++;
            }
        }
        return new Swept(plan.idempotencyKeys(), prunedJobs, prunedEvents, deletedSessions);
    }

    /** Under the advisory lock: forgets old idempotency keys, and picks the jobs to handle one by one. */
    private Plan plan(Instant now, Instant itemCutoff, Instant sessionCutoff) {
        if (!lock.tryAcquire(SweepLock.RETENTION)) {
            return Plan.NOTHING;
        }
        int keys = idempotency.forgetBefore(now.minus(config.ingest().idempotencyTtl()));
        List<JobKey> toPrune = jobs.finishedUnprunedBefore(itemCutoff, BATCH);
        List<JobKey> sessions = jobs.finishedBeforeLabelled(sessionCutoff, SESSION_LABEL, BATCH);
        return new Plan(keys, toPrune, sessions);
    }

    /**
     * Deletes the job's item events and raises its prune mark to its last event, so a stream resuming from
     * before it gets a reset and a snapshot instead of a replay with holes. -1 when the job no longer
     * qualifies (deleted, or recreated since it was picked).
     */
    private int pruneItemEvents(JobKey key, Instant cutoff) {
        JobEntity job = jobs.findLocked(key).orElse(null);
        if (job == null || job.finishedAt == null || !job.finishedAt.isBefore(cutoff)) {
            return -1;
        }
        int deleted = events.deleteOfTypes(key, ITEM_EVENT_TYPES, job.lastEventId);
        job.prunedThrough = Math.max(job.prunedThrough, job.lastEventId);
        return deleted;
    }

    /** Deletes a finished session through the store, so caches and streams on every instance learn of it. */
    private boolean deleteFinishedSession(JobKey key, Instant cutoff) {
        JobEntity job = jobs.findLocked(key).orElse(null);
        if (job == null || job.finishedAt == null || !job.finishedAt.isBefore(cutoff)) {
            return false;
        }
        return store.delete(key);
    }
}
