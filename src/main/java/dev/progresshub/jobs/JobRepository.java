package dev.progresshub.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

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

    /** Inserts a new job unless a concurrent request created it first; the caller then locks the row. */
    public void insertIfAbsent(JobEntity job) {
        getEntityManager().createNativeQuery("""
                insert into job (project, id, status, operation, labels, state, version, last_event_id,
                                 created_at, updated_at, finished_at, stall_at, pruned_through)
                values (?1, ?2, ?3, ?4, cast(?5 as jsonb), cast(?6 as jsonb), ?7, 0, ?8, ?9, null, ?10, 0)
                on conflict do nothing""")
                .setParameter(1, job.project)
                .setParameter(2, job.id)
                .setParameter(3, job.status)
                .setParameter(4, job.operation)
                .setParameter(5, job.labels)
                .setParameter(6, job.state)
                .setParameter(7, job.version)
                .setParameter(8, job.createdAt)
                .setParameter(9, job.updatedAt)
                .setParameter(10, job.stallAt)
                .executeUpdate();
    }

    /** Jobs whose stall deadline passed: the scheduler re-checks each under its row lock. */
    public List<JobKey> stallCandidates(Instant now, int limit) {
        return find("stallAt < ?1", now).page(0, limit).list().stream().map(JobEntity::key).toList();
    }

    /** Jobs in one status, over every project: for the operations gauges, counted once per sweep. */
    public long countWithStatus(String status) {
        return count("status", status);
    }
}
