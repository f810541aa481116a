package dev.progresshub.read;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.progresshub.domain.JobSnapshot;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.jobs.JobEntity;
import dev.progresshub.jobs.JobEventRepository;
import dev.progresshub.jobs.JobFilter;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobLoader;
import dev.progresshub.jobs.JobPosition;
import dev.progresshub.jobs.JobRepository;
import dev.progresshub.jobs.JobStateCodec;
import dev.progresshub.jobs.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Answers reads: single snapshots through the cache, lists and timelines from the database. */
@ApplicationScoped
public class JobQueryService {

    private final SnapshotCache cache;
    private final JobLoader loader;
    private final JobEventRepository events;
    private final JobStateCodec codec;
    private final JobRepository jobs;
    private final Counter cacheHits;
    private final Counter cacheMisses;

    JobQueryService(SnapshotCache cache, JobLoader loader, JobEventRepository events, JobStateCodec codec,
            JobRepository jobs, MeterRegistry registry) {
        this.cache = cache;
        this.loader = loader;
        this.events = events;
        this.codec = codec;
        this.jobs = jobs;
        this.cacheHits = registry.counter("progresshub.poll.cache", "result", "hit");
        this.cacheMisses = registry.counter("progresshub.poll.cache", "result", "miss");
    }

    /** The job's current snapshot: from memory when cached, else one read that fills the cache. */
    public CachedSnapshot snapshot(JobKey key) {
        var cached = cache.get(key);
        if (cached.isPresent()) {
            cacheHits.increment();
            return cached.get();
        }
        cacheMisses.increment();
        return loader.current(key).map(cache::offer).orElseThrow(() -> notFound(key));
    }

    /** The job's snapshot when it is in memory (counted as a hit); empty means ask {@link #snapshot}. */
    public Optional<CachedSnapshot> cached(JobKey key) {
        var cached = cache.get(key);
        cached.ifPresent(hit -> cacheHits.increment());
        return cached;
    }

    @Transactional
    public JobPage list(JobFilter filter, int limit, String cursor) {
        JobPosition after = cursor == null ? null : Cursor.decode(cursor);
        // one row more than asked: whether a next page exists
        List<JobEntity> rows = jobs.newestFirst(filter, after, limit + 1);
        List<JobSnapshot> items = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, rows.size()); i++) {
            items.add(snapshotOf(rows.get(i)));
        }
        String next = rows.size() > limit ? Cursor.encode(JobPosition.of(rows.get(limit - 1))) : null;
        return new JobPage(items, next);
    }

    /**
     * A listed row's snapshot: the cached one when it is of this very version (no decoding: many dashboards
     * opening the global stream at once each list the project's jobs), else decoded from the row.
     */
    private JobSnapshot snapshotOf(JobEntity row) {
        return cache.get(new JobKey(row.project, row.id)).filter(cached -> cached.version() == row.version)
                .map(CachedSnapshot::snapshot).orElseGet(() -> codec.read(row.state).snapshot());
    }

    /** Timeline events after an id, oldest first; the job must exist in the caller's project. */
    @Transactional
    public List<StoredEvent> events(JobKey key, long after, String type, String stage, int limit) {
        snapshot(key);
        return events.timeline(key, after, type, stage, limit).stream().map(JobLoader::stored).toList();
    }

    @Transactional
    public List<StoredEvent> recentEvents(JobKey key, int limit) {
        return events.newest(key, limit).stream().map(JobLoader::stored).toList();
    }

    static ProblemException notFound(JobKey key) {
        return ProblemException.notFound("no job '" + key.id() + "'");
    }

    /** A position in the newest-first list as clients see it: an opaque token. */
    static final class Cursor {

        private Cursor() {
        }

        static String encode(JobPosition position) {
            Instant createdAt = position.createdAt();
            String raw = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + position.id();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static JobPosition decode(String cursor) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
                        .split(":", 3);
                return new JobPosition(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                        parts[2]);
            } catch (RuntimeException e) {
                throw ProblemException.invalid("cursor", "not a cursor this service issued");
            }
        }
    }
}
