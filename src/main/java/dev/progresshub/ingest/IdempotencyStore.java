package dev.progresshub.ingest;

import java.sql.Array;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

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
     * answer when the claim is still open, which cannot happen once its transaction committed). One statement
     * for the whole group, the keys inserted in {@link KeyId#ORDER} (the order of every group, so two groups
     * waiting on each other's claims cannot deadlock).
     */
    public Map<KeyId, Stored> claim(Map<KeyId, String> hashes, Instant now) {
        Map<KeyId, Stored> seen = new HashMap<>();
        if (hashes.isEmpty()) {
            return seen;
        }
        List<KeyId> sorted = hashes.keySet().stream().sorted(KeyId.ORDER).toList();
        run(connection -> {
            Set<KeyId> claimed = new HashSet<>();
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into idempotency_record (token_id, idem_key, request_hash, created_at)
                    select token_id, idem_key, request_hash, ? from unnest(?::text[], ?::text[], ?::text[])
                           as claim(token_id, idem_key, request_hash)
                    on conflict do nothing
                    returning token_id, idem_key""")) {
                insert.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                insert.setArray(2, textArray(connection, sorted, KeyId::tokenId));
                insert.setArray(3, textArray(connection, sorted, KeyId::key));
                insert.setArray(4, textArray(connection, sorted, hashes::get));
                try (ResultSet rows = insert.executeQuery()) {
                    while (rows.next()) {
                        claimed.add(new KeyId(rows.getString(1), rows.getString(2)));
                    }
                }
            }
            List<KeyId> others = sorted.stream().filter(id -> !claimed.contains(id)).toList();
            if (!others.isEmpty()) {
                seen.putAll(stored(connection, others));
            }
        });
        return seen;
    }

    /** Keeps the answers of the claimed keys whose requests were applied, in one statement. */
    public void remember(Map<KeyId, IngestAnswer> answers) {
        if (answers.isEmpty()) {
            return;
        }
        List<KeyId> ids = List.copyOf(answers.keySet());
        run(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    update idempotency_record r
                    set status = a.status, response = a.response, location = a.location
                    from unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::text[])
                         as a(token_id, idem_key, status, response, location)
                    where r.token_id = a.token_id and r.idem_key = a.idem_key""")) {
                update.setArray(1, textArray(connection, ids, KeyId::tokenId));
                update.setArray(2, textArray(connection, ids, KeyId::key));
                update.setArray(3, connection.createArrayOf("integer",
                        ids.stream().map(id -> answers.get(id).status()).toArray()));
                update.setArray(4, textArray(connection, ids, id -> answers.get(id).body()));
                update.setArray(5, textArray(connection, ids, id -> answers.get(id).location()));
                update.executeUpdate();
            }
        });
    }

    /** Releases the claims of refused requests: a retry of them is applied afresh. */
    public void release(Collection<KeyId> keys) {
        if (keys.isEmpty()) {
            return;
        }
        List<KeyId> ids = List.copyOf(keys);
        run(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("""
                    delete from idempotency_record r using unnest(?::text[], ?::text[]) as a(token_id, idem_key)
                    where r.token_id = a.token_id and r.idem_key = a.idem_key""")) {
                delete.setArray(1, textArray(connection, ids, KeyId::tokenId));
                delete.setArray(2, textArray(connection, ids, KeyId::key));
                delete.executeUpdate();
            }
        });
    }

    /** Retention: forgets answers older than the cutoff. Safe to run on several instances at once. */
    @Transactional
    public int forgetBefore(Instant cutoff) {
        return entityManager.createNativeQuery("delete from idempotency_record where created_at < ?1")
                .setParameter(1, cutoff).executeUpdate();
    }

    /** What is stored for keys another transaction claimed (committed: the claim waited for it). */
    private static Map<KeyId, Stored> stored(Connection connection, List<KeyId> ids) throws SQLException {
        Map<KeyId, Stored> stored = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                select r.token_id, r.idem_key, r.request_hash, r.status, r.response, r.location
                from idempotency_record r join unnest(?::text[], ?::text[]) as a(token_id, idem_key)
                     on r.token_id = a.token_id and r.idem_key = a.idem_key""")) {
            select.setArray(1, textArray(connection, ids, KeyId::tokenId));
            select.setArray(2, textArray(connection, ids, KeyId::key));
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    int status = row.getInt(4);
                    IngestAnswer answer = row.wasNull() ? null
                            : new IngestAnswer(status, row.getString(5), row.getString(6));
                    stored.put(new KeyId(row.getString(1), row.getString(2)), new Stored(row.getString(3), answer));
                }
            }
        }
        return stored;
    }

    private static Array textArray(Connection connection, List<KeyId> ids, Function<KeyId, String> field)
            throws SQLException {
        return connection.createArrayOf("text", ids.stream().map(field).toArray());
    }

    private interface Work {
        void on(Connection connection) throws SQLException;
    }

    private void run(Work work) {
        try (Connection connection = dataSource.getConnection()) {
            work.on(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("idempotency record: " + e.getMessage(), e);
        }
    }
}
