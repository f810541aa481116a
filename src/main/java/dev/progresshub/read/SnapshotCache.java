package dev.progresshub.read;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import dev.progresshub.cluster.ClusterResync;
import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.JobKey;

/**
 * The poll path's memory: the newest committed snapshot of each job, as JSON with its ETag. Kept current
 * by every commit on this instance and by the cluster listener for the others, so an unchanged job's poll
 * reads no database row. An entry is only ever replaced by a newer version: a slow reader that loaded an
 * older row can never put it back over a newer one.
 */
@ApplicationScoped
public class SnapshotCache {

    private final ConcurrentHashMap<JobKey, CachedSnapshot> entries = new ConcurrentHashMap<>();
    private final int maxJobs;

    SnapshotCache(ProgressHubConfig config) {
        this.maxJobs = config.cache().maxJobs();
    }

    public Optional<CachedSnapshot> get(JobKey key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Offers a snapshot read from the database or just committed; keeps whichever version is newer. */
    public CachedSnapshot offer(JobChanged change) {
        CachedSnapshot offered = CachedSnapshot.of(change);
        if (entries.size() >= maxJobs && !entries.containsKey(change.key())) {
            evictSome();
        }
        return entries.merge(change.key(), offered,
                (current, candidate) -> candidate.version() > current.version() ? candidate : current);
    }

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        if (change.deleted()) {
            entries.remove(change.key());
        } else {
            offer(change);
        }
    }

    void onResync(@Observes ClusterResync resync) {
        entries.clear();
    }

    /** Drops a tenth of the entries; finished jobs are rarely polled for long, any entry reloads on demand. */
    private void evictSome() {
        int toDrop = Math.max(1, maxJobs / 10);
        var iterator = entries.keySet().iterator();
        while (toDrop-- > 0 && iterator.hasNext()) {
            iterator.next();
            iterator.remove();
        }
    }
}
