package dev.progresshub.jobs;

import dev.progresshub.domain.JobState;

/** A job whose row is locked by the current transaction, with its decoded domain state. */
public record LockedJob(JobEntity entity, JobState state) {

    public JobKey key() {
        return entity.key();
    }
}
