package dev.progresshub.scheduler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * A PostgreSQL advisory lock held by the current transaction: when several instances sweep at the same
 * moment, only the one holding it plans the round. Correctness never depends on it (every job is then
 * re-checked under its row lock, and retention statements are idempotent); it only saves duplicate work.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class SweepLock {

    /** Lock keys: arbitrary constants, one per kind of sweep. */
    static final long STALL_DETECTION = 0x7068_0001L;
    static final long RETENTION = 0x7068_0002L;

    private final EntityManager entityManager;

    SweepLock(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** True when this transaction now holds the lock; released by commit or rollback. */
    boolean tryAcquire(long key) {
        Object acquired = entityManager.createNativeQuery("select pg_try_advisory_xact_lock(?1)")
                .setParameter(1, key)
                .getSingleResult();
        return Boolean.TRUE.equals(acquired);
    }
}
