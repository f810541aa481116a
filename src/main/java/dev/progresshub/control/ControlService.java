package dev.progresshub.control;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.progresshub.domain.ControlAction;
import dev.progresshub.domain.JobSnapshot;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobStore;
import dev.progresshub.jobs.LockedJob;

/** What controllers ask of a job: the request is recorded; the worker confirms it with its next events. */
@ApplicationScoped
public class ControlService {

    private final JobStore store;
    private final Clock clock;

    ControlService(JobStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Transactional
    public JobSnapshot request(JobKey key, ControlAction action) {
        LockedJob job = store.lock(key).orElseThrow(() -> notFound(key));
        Instant now = clock.instant();
        store.commit(job, List.of(job.state().requestControl(action, now)), now);
        return job.state().snapshot();
    }

    @Transactional
    public void delete(JobKey key) {
        if (!store.delete(key)) {
            throw notFound(key);
        }
    }

    private static ProblemException notFound(JobKey key) {
        return ProblemException.notFound("no job '" + key.id() + "'");
    }
}
