package dev.progresshub.testsupport;

import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * What one project holds in the database, read over JDBC: jobs, the sum of their versions and timeline rows.
 * Equal before and after a refused request proves that nothing of it was stored.
 */
public record StoredRows(long jobs, long versions, long events) {

    public static StoredRows of(EntityManager entityManager, String project) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object[] jobs = (Object[]) entityManager
                    .createNativeQuery("select count(*), coalesce(sum(version), 0) from job where project = ?1")
                    .setParameter(1, project).getSingleResult();
            Number events = (Number) entityManager
                    .createNativeQuery("select count(*) from job_event where project = ?1")
                    .setParameter(1, project).getSingleResult();
            return new StoredRows(((Number) jobs[0]).longValue(), ((Number) jobs[1]).longValue(), events.longValue());
        });
    }
}
