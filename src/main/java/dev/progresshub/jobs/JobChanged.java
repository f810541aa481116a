package dev.progresshub.jobs;

import java.util.List;

import dev.progresshub.domain.JobSnapshot;

/**
 * A committed change of one job, seen by the snapshot cache and the streams. Fired after commit on the
 * writing instance, and by the cluster listener for changes committed on other instances.
 * {@code snapshot} is null when the job was deleted.
 */
public record JobChanged(JobKey key, long version, JobSnapshot snapshot, SnapshotJson snapshotJson,
        List<StoredEvent> events) {

    public boolean deleted() {
        return snapshot == null;
    }

    public static JobChanged deleted(JobKey key, long version) {
        return new JobChanged(key, version, null, null, List.of());
    }
}
