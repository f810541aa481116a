package dev.progresshub.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import io.agroal.api.AgroalDataSource;

/**
 * Idempotency-Key answers, per token. Keys are claimed inside the group's transaction, in key order: a
 * concurrent request with the same key (another group, another instance) waits on the claim and then gets
 * the first answer; a refused request's claim is released before commit, so only answers that were committed
 * are ever replayed.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class IdempotencyStore {

    private final AgroalDataSource dataSource;
    private final EntityManager entityManager;

    IdempotencyStore(AgroalDataSource dataSource, EntityManager entityManager) {
        this.dataSource = dataSource;
        this.entityManager = entityManager;
    }

    /** A token's key. */
    public record KeyId(String tokenId, String key) {
        static final Comparator<KeyId> ORDER = Comparator.comparing(KeyId::tokenId).thenComparing(KeyId::key);
    }

    /** What was stored for a key that was already claimed: the request's hash and its first answer. */
    public record Stored(String requestHash, IngestAnswer answer) {
    }

    /**
     * Claims the keys that are new; returns what is stored for the others (the first answer, or a null
     * answer when the claim is still open, which cannot happen once its transaction committed).
     */
    public Map<KeyId, Stored> claim(Map<KeyId, String> hashes, Instant now) {
        Map<KeyId, Stored> seen = new HashMap<>();
        if (hashes.isEmpty()) {
            return seen;
        }
        List<KeyId> sorted = hashes.keySet().stream().sorted(KeyId.ORDER).toList();
        run(connection -> {
            int[] inserted;
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into idempotency_record (token_id, idem_key, request_hash, created_at)
                    values (?, ?, ?, ?) on conflict do nothing""")) {
                for (KeyId id : sorted) {
                    insert.setString(1, id.tokenId());
                    insert.setString(2, id.key());
                    insert.setString(3, hashes.get(id));
                    insert.setObject(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    insert.addBatch();
                }
                inserted = insert.executeBatch();
            }
            for (int i = 0; i < sorted.size(); i++) {
                if (inserted[i] == 0) {
                    seen.put(sorted.get(i), stored(connection, sorted.get(i)));
                }
            }
        });
        return seen;
    }

    /** Keeps the answers of the claimed keys whose requests were applied. */
    public void remember(Map<KeyId, IngestAnswer> answers) {
        batch(answers.keySet(), """
                update idempotency_record set status = ?, response = ?, location = ?
                where token_id = ? and idem_key = ?""", (statement, id) -> {
            IngestAnswer answer = answers.get(id);
            statement.setInt(1, answer.status());
            statement.setString(2, answer.body());
            statement.setString(3, answer.location());
            statement.setString(4, id.tokenId());
            statement.setString(5, id.key());
        });
    }

    /** Releases the claims of refused requests: a retry of them is applied afresh. */
    public void release(Collection<KeyId> keys) {
        batch(keys, "delete from idempotency_record where token_id = ? and idem_key = ?", (statement, id) -> {
            statement.setString(1, id.tokenId());
            statement.setString(2, id.key());
        });
    }

    /** Retention: forgets answers older than the cutoff. Safe to run on several instances at once. */
    @Transactional
    public int forgetBefore(Instant cutoff) {
        return entityManager.createNativeQuery("delete from idempotency_record where created_at < ?1")
                .setParameter(1, cutoff).executeUpdate();
    }

    private static Stored stored(Connection connection, KeyId id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                select request_hash, status, response, location from idempotency_record
                where token_id = ? and idem_key = ?""")) {
            select.setString(1, id.tokenId());
            select.setString(2, id.key());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                int status = row.getInt(2);
                IngestAnswer answer = row.wasNull() ? null : new IngestAnswer(status, row.getString(3), row.getString(4));
                return new Stored(row.getString(1), answer);
            }
        }
    }

    private interface Binder {
        void bind(PreparedStatement statement, KeyId id) throws SQLException;
    }

    private interface Work {
        void on(Connection connection) throws SQLException;
    }

    private void batch(Collection<KeyId> keys, String sql, Binder binder) {
        if (keys.isEmpty()) {
            return;
        }
        run(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (KeyId id : keys.stream().sorted(KeyId.ORDER).toList()) {
                    binder.bind(statement, id);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
        });
    }

    private void run(Work work) {
        try (Connection connection = dataSource.getConnection()) {
            work.on(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("idempotency record: " + e.getMessage(), e);
        }
    }
}
