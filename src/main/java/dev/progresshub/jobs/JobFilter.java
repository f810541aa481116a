package dev.progresshub.jobs;

import java.time.Instant;
import java.util.Set;

/**
 * Which jobs a list or a global stream covers. {@code project} null means every project (admin only);
 * empty sets mean no restriction.
 */
public record JobFilter(String project, Set<String> jobIds, Set<String> statuses, String operation,
        String labelKey, String labelValue, Instant updatedSince) {

    /** Whether a job with this key and status is covered (for live changes; lists filter in SQL). */
    public boolean covers(JobKey key, String status) {
        return (project == null || project.equals(key.project()))
                && (jobIds.isEmpty() || jobIds.contains(key.id()))
                && (status == null || statuses.isEmpty() || statuses.contains(status));
    }
}
