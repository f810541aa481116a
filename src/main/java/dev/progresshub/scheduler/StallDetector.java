package dev.progresshub.scheduler;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.domain.JobStatus;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobRepository;
import dev.progresshub.jobs.JobStore;
import dev.progresshub.jobs.LockedJob;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;

/**
 * Finds jobs whose worker went silent for longer than the job's heartbeatSeconds: a running job becomes
 * stalled (and running again on its next report), a cancel the worker never confirmed becomes cancelled.
 * The rule itself is the domain's ({@code markStalledIfSilent}); this class only finds candidates by the
 * stall_at column and applies the rule to each under its row lock, in its own short transaction, storing
 * a job_stalled timeline event so streams and other instances see the change.
 */
@ApplicationScoped
public class StallDetector {

    private static final Logger LOG = Logger.getLogger(StallDetector.class);
    private static final int BATCH = 500;
    private static final int MAX_BATCHES_PER_SWEEP = 20;

    private final JobRepository jobs;
    private final JobStore store;
    private final SweepLock lock;
    private final Clock clock;

    StallDetector(JobRepository jobs, JobStore store, SweepLock lock, Clock clock) {
        this.jobs = jobs;
        this.store = store;
        this.lock = lock;
        this.clock = clock;
    }

    @Scheduled(every = "${progress-hub.retention.sweep-interval}", concurrentExecution = ConcurrentExecution.SKIP,
            identity = "stall-detector")
    void scheduled() {
        int changed = sweep(clock.instant());
        if (changed > 0) {
            LOG.infof("stall detector: %d job(s) stalled or cancelled", changed);
        }
    }

    /** Applies the stall rule as of {@code now} to every job past its deadline; returns how many changed. */
    public int sweep(Instant now) {
        int changed = 0;
        for (int batch = 0; batch < MAX_BATCHES_PER_SWEEP; batch++) {
            List<JobKey> candidates = QuarkusTransaction.requiringNew().call(() ->
                    lock.tryAcquire(SweepLock.STALL_DETECTION) ? jobs.stallCandidates(now, BATCH) : List.<JobKey>of());
            for (JobKey key : candidates) {
                if (QuarkusTransaction.requiringNew().call(() -> stallIfSilent(key, now))) {
                    changed++;
                }
            }
            if (candidates.size() < BATCH) {
                break;
            }
        }
        return changed;
    }

    /** Re-checks one job under its row lock: a report may have arrived since it was picked. */
    private boolean stallIfSilent(JobKey key, Instant now) {
        return store.lock(key)
                .filter(job -> job.state().markStalledIfSilent(now))
                .map(job -> {
                    store.commit(job, List.of(stalledEvent(job)), now);
                    return true;
                })
                .orElse(false);
    }

    private static Event stalledEvent(LockedJob job) {
        long seconds = job.state().heartbeatSeconds();
        String message = job.state().status() == JobStatus.CANCELLED
                ? "the worker did not confirm the cancel within " + seconds + " s; the job is cancelled"
                : "no report from the worker for " + seconds + " s";
        return Event.builder(EventType.JOB_STALLED).message(message).build();
    }
}
