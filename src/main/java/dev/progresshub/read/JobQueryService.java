package dev.progresshub.read;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import dev.progresshub.domain.JobSnapshot;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.jobs.JobEntity;
import dev.progresshub.jobs.JobEventRepository;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobLoader;
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
    private final EntityManager entityManager;
    private final Counter cacheHits;
    private final Counter cacheMisses;

    JobQueryService(SnapshotCache cache, JobLoader loader, JobEventRepository events, JobStateCodec codec,
            EntityManager entityManager, MeterRegistry registry) {
        this.cache = cache;
        this.loader = loader;
        this.events = events;
        this.codec = codec;
        this.entityManager = entityManager;
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
        StringBuilder sql = new StringBuilder("select * from job where true");
        Map<String, Object> params = new LinkedHashMap<>();
        where(filter, sql, params);
        if (cursor != null) {
            Cursor position = Cursor.decode(cursor);
            sql.append(" and (created_at, id) < (:cursorCreated, :cursorId)");
            params.put("cursorCreated", position.createdAt());
            params.put("cursorId", position.id());
        }
        sql.append(" order by created_at desc, id desc limit :limit");
        params.put("limit", limit + 1);
        Query query = entityManager.createNativeQuery(sql.toString(), JobEntity.class);
        params.forEach(query::setParameter);
        @SuppressWarnings("unchecked")
        List<JobEntity> rows = query.getResultList();
        List<JobSnapshot> items = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, rows.size()); i++) {
            items.add(snapshotOf(rows.get(i)));
        }
        String next = rows.size() > limit ? Cursor.of(rows.get(limit - 1)).encode() : null;
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

    private static void where(JobFilter filter, StringBuilder sql, Map<String, Object> params) {
        if (filter.project() != null) {
            sql.append(" and project = :project");
            params.put("project", filter.project());
        }
        if (!filter.jobIds().isEmpty()) {
            sql.append(" and id in (:jobIds)");
            params.put("jobIds", filter.jobIds());
        }
        if (!filter.statuses().isEmpty()) {
            sql.append(" and status in (:statuses)");
            params.put("statuses", filter.statuses());
        }
        if (filter.operation() != null) {
            sql.append(" and operation = :operation");
            params.put("operation", filter.operation());
        }
        if (filter.labelKey() != null) {
            sql.append(" and labels ->> cast(:labelKey as text) = :labelValue");
            params.put("labelKey", filter.labelKey());
            params.put("labelValue", filter.labelValue());
        }
        if (filter.updatedSince() != null) {
            sql.append(" and updated_at >= :updatedSince");
            params.put("updatedSince", filter.updatedSince());
        }
    }

    static ProblemException notFound(JobKey key) {
        return ProblemException.notFound("no job '" + key.id() + "'");
    }

    /** Keyset position in the newest-first list: opaque to clients. */
    record Cursor(Instant createdAt, String id) {

        static Cursor of(JobEntity row) {
            return new Cursor(row.createdAt, row.id);
        }

        String encode() {
            String raw = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
                        .split(":", 3);
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                        parts[2]);
            } catch (RuntimeException e) {
                throw ProblemException.invalid("cursor", "not a cursor this service issued");
            }
        }
    }
}
