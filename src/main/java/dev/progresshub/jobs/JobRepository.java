package dev.progresshub.jobs;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Query;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class JobRepository implements PanacheRepositoryBase<JobEntity, JobEntityId> {

    public Optional<JobEntity> findLocked(JobKey key) {
        return find("project = ?1 and id = ?2", key.project(), key.id())
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResultOptional();
    }

    public Optional<JobEntity> find(JobKey key) {
        return findByIdOptional(new JobEntityId(key.project(), key.id()));
    }

    /** Jobs whose stall deadline passed: the scheduler re-checks each under its row lock. */
    public List<JobKey> stallCandidates(Instant now, int limit) {
        return find("stallAt < ?1", now).page(0, limit).list().stream().map(JobEntity::key).toList();
    }

    /** Up to {@code limit} jobs the filter covers, newest first, after a position (null: from the newest). */
    @SuppressWarnings("unchecked")
    public List<JobEntity> newestFirst(JobFilter filter, JobPosition after, int limit) {
        StringBuilder sql = new StringBuilder("select * from job where true");
        Map<String, Object> params = new LinkedHashMap<>();
        where(filter, sql, params);
        if (after != null) {
            sql.append(" and (created_at, id) < (:afterCreated, :afterId)");
            params.put("afterCreated", after.createdAt());
            params.put("afterId", after.id());
        }
        sql.append(" order by created_at desc, id desc limit :limit");
        params.put("limit", limit);
        Query query = getEntityManager().createNativeQuery(sql.toString(), JobEntity.class);
        params.forEach(query::setParameter);
        return query.getResultList();
    }

    /** Finished before the cutoff and holding events not yet pruned: each job comes up once per new event. */
    public List<JobKey> finishedUnprunedBefore(Instant cutoff, int limit) {
        return keys(getEntityManager().createNativeQuery("""
                select project, id from job
                where finished_at < ?1 and pruned_through < last_event_id
                order by finished_at limit ?2""").setParameter(1, cutoff).setParameter(2, limit));
    }

    /** Finished before the cutoff with labels that contain {@code labelsJson} (a JSON object). */
    public List<JobKey> finishedBeforeLabelled(Instant cutoff, String labelsJson, int limit) {
        return keys(getEntityManager().createNativeQuery("""
                select project, id from job
                where finished_at < ?1 and labels @> cast(?3 as jsonb)
                order by finished_at limit ?2""").setParameter(1, cutoff).setParameter(2, limit)
                .setParameter(3, labelsJson));
    }

    @SuppressWarnings("unchecked")
    private static List<JobKey> keys(Query query) {
        List<Object[]> rows = query.getResultList();
        return rows.stream().map(row -> new JobKey((String) row[0], (String) row[1])).toList();
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

    /** Jobs in one status, over every project: for the operations gauges, counted once per sweep. */
    public long countWithStatus(String status) {
        return count("status", status);
    }
}
