package dev.progresshub.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import dev.progresshub.auth.TokenRevocation;
import dev.progresshub.cluster.ClusterMessage.Kind;
import dev.progresshub.config.JsonText;
import dev.progresshub.jobs.Alongside;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.StateWriteCompanion;
import dev.progresshub.jobs.StoredEvent;
import io.agroal.api.AgroalDataSource;

/**
 * Sends cluster messages inside the writer's transaction, so PostgreSQL delivers them only on commit.
 * One message per job per transaction, never one per event (NOTIFY takes a database-wide lock at commit),
 * and a commit's job messages in one statement that goes along with its state write (no round trip of its
 * own); what is announced later in the transaction (a deletion) is sent just before it commits.
 */
@ApplicationScoped
public class ClusterNotifier implements StateWriteCompanion {

    private static final String NOTIFY = "select count(pg_notify(?, message)) from unnest(?::text[]) as message";

    static final String CHANNEL = "progress_hub";
    private static final Object PENDING = ClusterNotifier.class.getName() + ".pending";

    private final String instanceId = UUID.randomUUID().toString();
    private final AgroalDataSource dataSource;
    private final TransactionSynchronizationRegistry transactions;
    private final JsonText json;

    ClusterNotifier(AgroalDataSource dataSource, TransactionSynchronizationRegistry transactions, JsonText json) {
        this.dataSource = dataSource;
        this.transactions = transactions;
        this.json = json;
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * A change fired inside a committing transaction is this instance's own: the others hear of it. The
     * changes the listener replays from other instances are fired outside any transaction.
     */
    void announce(@Observes JobChanged change) {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            return;
        }
        if (change.deleted()) {
            pending().add(json.of(new ClusterMessage(instanceId, Kind.JOB_DELETED, change.key().project(),
                    change.key().id(), change.version(), null, null, null)));
            return;
        }
        List<StoredEvent> events = change.events();
        long last = events.isEmpty() ? change.snapshot().lastEventId() : events.getLast().id();
        long after = events.isEmpty() ? last : events.getFirst().id() - 1;
        pending().add(json.of(new ClusterMessage(instanceId, Kind.JOB_CHANGED, change.key().project(),
                change.key().id(), change.version(), after, last, null)));
    }

    /** Inside the revoking transaction, so the others hear of it only once it is committed. */
    void tokenRevoked(@Observes(during = TransactionPhase.IN_PROGRESS) TokenRevocation revocation) {
        send(List.of(json.of(new ClusterMessage(instanceId, Kind.TOKEN_REVOKED, null, null, null, null, null,
                revocation.tokenId()))));
    }

    /** The job messages announced so far in this transaction, to go along with its state write. */
    @Override
    public Alongside alongside() {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            return null;
        }
        @SuppressWarnings("unchecked")
        List<String> pending = (List<String>) transactions.getResource(PENDING);
        if (pending == null || pending.isEmpty()) {
            return null;
        }
        List<String> messages = List.copyOf(pending);
        pending.clear();
        return notifying(messages);
    }

    private static Alongside notifying(List<String> messages) {
        return Alongside.of(NOTIFY, (connection, notify, first) -> {
            notify.setString(first, CHANNEL);
            notify.setObject(first + 1, messages.toArray(String[]::new));
            return first + 2;
        });
    }

    /**
     * This transaction's job messages that no state write took along (a deletion's), sent together right
     * before it commits.
     */
    @SuppressWarnings("unchecked")
    private List<String> pending() {
        List<String> messages = (List<String>) transactions.getResource(PENDING);
        if (messages == null) {
            List<String> collected = new ArrayList<>();
            transactions.putResource(PENDING, collected);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    if (!collected.isEmpty()) {
                        send(collected);
                    }
                }

                @Override
                public void afterCompletion(int status) {
                    // delivered by PostgreSQL on commit, dropped on rollback: nothing to do here
                }
            });
            messages = collected;
        }
        return messages;
    }

    private void send(List<String> messages) {
        try (Connection connection = dataSource.getConnection()) {
            notifying(messages).executeAlone(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cluster notification failed: " + e.getMessage(), e);
        }
    }
}
