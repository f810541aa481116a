package dev.progresshub.jobs;

import dev.progresshub.domain.JobState;

/**
 * A job whose row is locked by the current transaction, with its decoded domain state. {@code created}: this
 * transaction inserted the row.
 */
public record LockedJob(JobKey key, JobState state, boolean created) {
}
