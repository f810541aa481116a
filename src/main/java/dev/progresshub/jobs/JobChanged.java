package dev.progresshub.jobs;

import java.util.List;

import dev.progresshub.domain.JobSnapshot;

/**
 * A committed change of one job, seen by the snapshot cache and the streams. Fired after commit on the
 * writing instance, and by the cluster listener for changes committed on other instances.
 * {@code snapshotJson} is null when the job was deleted.
 */
public record JobChanged(JobKey key, long version, SnapshotJson snapshotJson, List<StoredEvent> events) {

    /** The job as this change left it; null when it was deleted. */
    public JobSnapshot snapshot() {
        return snapshotJson == null ? null : snapshotJson.snapshot();
    }

    public boolean deleted() {
        return snapshotJson == null;
    }

    public static JobChanged deleted(JobKey key, long version) {
        return new JobChanged(key, version, null, List.of());
    }
}
