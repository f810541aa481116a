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

    /** Jobs whose stall deadline passed: the scheduler re-checks each under its row lock. */
    public List<JobKey> stallCandidates(Instant now, int limit) {
        return find("stallAt < ?1", now).page(0, limit).list().stream().map(JobEntity::key).toList();
    }

    /** Jobs in one status, over every project: for the operations gauges, counted once per sweep. */
    public long countWithStatus(String status) {
        return count("status", status);
    }
}
