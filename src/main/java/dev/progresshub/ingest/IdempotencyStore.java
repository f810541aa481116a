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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import dev.progresshub.jobs.Alongside;
import dev.progresshub.jobs.ChangedMeanwhile;
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

    private static final String CLAIM = """
            insert into idempotency_record (token_id, idem_key, request_hash, created_at)
            select token_id, idem_key, request_hash, ?
            from unnest(?::text[], ?::text[], ?::text[]) as k(token_id, idem_key, request_hash)
            on conflict do nothing
            returning token_id, idem_key""";

    /** Records with their answers, bound by {@link #bindAnswers}; what a key met already decides its caller. */
    private static final String INSERT_ANSWERS = """
            insert into idempotency_record (token_id, idem_key, request_hash, created_at, status, response, location)
            select token_id, idem_key, request_hash, ?, status, response, location
            from unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[])
                 as a(token_id, idem_key, request_hash, status, response, location)
            """;

    private static final String REMEMBER = INSERT_ANSWERS + """
            on conflict (token_id, idem_key) do update
            set status = excluded.status, response = excluded.response, location = excluded.location""";

    /** The answers of keys never seen before, claimed and kept at once; fails the transaction if one was seen. */
    private static final String KEEP_NEW = "with kept as (" + INSERT_ANSWERS + """
            on conflict do nothing
            returning 1)
            select progresshub_expect((select count(*) from kept) = ?, '%s', 'an Idempotency-Key was used before')"""
            .formatted(ChangedMeanwhile.KEY_USED);

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
        Claim claim = claiming(hashes, now);
        if (claim == null) {
            return Map.of();
        }
        run(claim::executeAlone);
        return seen(claim);
    }

    /**
     * The statement that claims the keys, for the group's row locks to send ahead of them (null when there is
     * none); {@link #seen} then says what is stored for the keys it did not claim.
     */
    public Claim claiming(Map<KeyId, String> hashes, Instant now) {
        return hashes.isEmpty() ? null : new Claim(hashes, now);
    }

    /** What is stored for the keys the claim found taken: a lookup of its own for each, rare (retries). */
    public Map<KeyId, Stored> seen(Claim claim) {
        Map<KeyId, Stored> seen = new HashMap<>();
        List<KeyId> taken = claim.sorted.stream().filter(id -> !claim.claimed.contains(id)).toList();
        if (!taken.isEmpty()) {
            run(connection -> {
                for (KeyId id : taken) {
                    seen.put(id, stored(connection, id));
                }
            });
        }
        return seen;
    }

    /** Inserts the keys in key order, one statement over arrays; returns those it inserted. */
    public static final class Claim implements Alongside {
        private final Map<KeyId, String> hashes;
        private final Instant now;
        private final List<KeyId> sorted;
        private final Set<KeyId> claimed = new HashSet<>();

        private Claim(Map<KeyId, String> hashes, Instant now) {
            this.hashes = hashes;
            this.now = now;
            this.sorted = hashes.keySet().stream().sorted(KeyId.ORDER).toList();
        }

        @Override
        public String sql() {
            return CLAIM;
        }

        @Override
        public int bind(Connection connection, PreparedStatement insert, int first) throws SQLException {
            return bindRecords(insert, first, now, sorted, hashes::get);
        }

        @Override
        public void read(ResultSet inserted) throws SQLException {
            while (inserted.next()) {
                claimed.add(new KeyId(inserted.getString(1), inserted.getString(2)));
            }
        }
    }

    /**
     * The statement that keeps the answers of the claimed keys whose requests were applied, for the group's
     * state write to send along (null when there is none). One statement over arrays, written as an insert
     * that meets its own claim and updates it: an update joined to the arrays was planned once, while the
     * table was small, as a sequential scan that then ran on every group as the table grew.
     */
    public Alongside remembering(Map<KeyId, Answered> answers, Instant now) {
        if (answers.isEmpty()) {
            return null;
        }
        List<KeyId> sorted = answers.keySet().stream().sorted(KeyId.ORDER).toList();
        return Alongside.of(REMEMBER, (connection, upsert, first) -> bindAnswers(upsert, first, now, sorted, answers));
    }

    /** Binds the records of these answers (time, keys, hashes, status, body, location); returns the next index. */
    private static int bindAnswers(PreparedStatement statement, int first, Instant now, List<KeyId> sorted,
            Map<KeyId, Answered> answers) throws SQLException {
        int at = bindRecords(statement, first, now, sorted, id -> answers.get(id).requestHash());
        statement.setObject(at, sorted.stream().map(id -> answers.get(id).answer().status()).toArray(Integer[]::new));
        statement.setObject(at + 1, texts(sorted, id -> answers.get(id).answer().body()));
        statement.setObject(at + 2, texts(sorted, id -> answers.get(id).answer().location()));
        return at + 3;
    }

    /**
     * The statement that keeps these answers of keys this group did not claim, for a write that assumes none was
     * used before (null when there is none): it goes ahead of the group's row locks, in key order, as a claim
     * does, and fails the transaction if a key was used before ({@link ChangedMeanwhile}),
     * so that the group goes again, claiming first.
     */
    public Alongside keepingNew(Map<KeyId, Answered> answers, Instant now) {
        if (answers.isEmpty()) {
            return null;
        }
        List<KeyId> sorted = answers.keySet().stream().sorted(KeyId.ORDER).toList();
        return Alongside.of(KEEP_NEW, (connection, insert, first) -> {
            int at = bindAnswers(insert, first, now, sorted, answers);
            insert.setInt(at, sorted.size());
            return at + 1;
        });
    }

    /** A claimed key's request, applied: its hash and the answer to replay. */
    public record Answered(String requestHash, IngestAnswer answer) {
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

    /** Binds what every record starts with: its time, then the keys and their requests' hashes, as arrays. */
    private static int bindRecords(PreparedStatement statement, int first, Instant now,
            List<KeyId> sorted, Function<KeyId, String> requestHash) throws SQLException {
        statement.setObject(first, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
        statement.setObject(first + 1, texts(sorted, KeyId::tokenId));
        statement.setObject(first + 2, texts(sorted, KeyId::key));
        statement.setObject(first + 3, texts(sorted, requestHash));
        return first + 4;
    }

    /** A text array the driver sends in binary: the answers' JSON goes as it is, not escaped into a literal. */
    private static String[] texts(List<KeyId> ids, Function<KeyId, String> field) {
        return ids.stream().map(field).toArray(String[]::new);
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
