package dev.progresshub.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import dev.progresshub.errors.ProblemException;

/**
 * Idempotency-Key answers, per token. A key is claimed inside the request's transaction: a concurrent
 * request with the same key waits on the claim and then gets the first answer; a refused request rolls
 * its claim back, so only answers that were committed are ever replayed.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class IdempotencyStore {

    private final EntityManager entityManager;

    IdempotencyStore(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Empty when the key is new (now claimed); the first answer when it was seen with the same body. */
    public Optional<IngestAnswer> claim(String tokenId, String key, String requestHash, Instant now) {
        int inserted = entityManager.createNativeQuery("""
                insert into idempotency_record (token_id, idem_key, request_hash, created_at)
                values (?1, ?2, ?3, ?4) on conflict do nothing""")
                .setParameter(1, tokenId).setParameter(2, key).setParameter(3, requestHash).setParameter(4, now)
                .executeUpdate();
        if (inserted == 1) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                select request_hash, status, response, location from idempotency_record
                where token_id = ?1 and idem_key = ?2""")
                .setParameter(1, tokenId).setParameter(2, key)
                .getResultList();
        Object[] row = rows.getFirst();
        if (!requestHash.equals(row[0])) {
            throw ProblemException.idempotencyMismatch();
        }
        return Optional.of(new IngestAnswer(((Number) row[1]).intValue(), (String) row[2], (String) row[3]));
    }

    public void remember(String tokenId, String key, IngestAnswer answer) {
        entityManager.createNativeQuery("""
                update idempotency_record set status = ?3, response = ?4, location = ?5
                where token_id = ?1 and idem_key = ?2""")
                .setParameter(1, tokenId).setParameter(2, key).setParameter(3, answer.status())
                .setParameter(4, answer.body()).setParameter(5, answer.location())
                .executeUpdate();
    }

    /** Retention: forgets answers older than the cutoff. Safe to run on several instances at once. */
    @Transactional
    public int forgetBefore(Instant cutoff) {
        return entityManager.createNativeQuery("delete from idempotency_record where created_at < ?1")
                .setParameter(1, cutoff).executeUpdate();
    }
}
