package dev.progresshub.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

import dev.progresshub.cluster.ClusterMessage.Kind;
import dev.progresshub.config.JsonText;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.StoredEvent;
import io.agroal.api.AgroalDataSource;

/**
 * Sends cluster messages inside the writer's transaction, so PostgreSQL delivers them only on commit.
 * One NOTIFY per job per transaction, never one per event: NOTIFY takes a database-wide lock at commit.
 */
@ApplicationScoped
public class ClusterNotifier {

    static final String CHANNEL = "progress_hub";

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
            send(new ClusterMessage(instanceId, Kind.JOB_DELETED, change.key().project(), change.key().id(),
                    change.version(), null, null, null));
            return;
        }
        List<StoredEvent> events = change.events();
        long last = events.isEmpty() ? change.snapshot().lastEventId() : events.getLast().id();
        long after = events.isEmpty() ? last : events.getFirst().id() - 1;
        send(new ClusterMessage(instanceId, Kind.JOB_CHANGED, change.key().project(), change.key().id(),
                change.version(), after, last, null));
    }

    public void tokenRevoked(String tokenId) {
        send(new ClusterMessage(instanceId, Kind.TOKEN_REVOKED, null, null, null, null, null, tokenId));
    }

    private void send(ClusterMessage message) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement notify = connection.prepareStatement("select pg_notify(?, ?)")) {
            notify.setString(1, CHANNEL);
            notify.setString(2, json.of(message));
            notify.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("cluster notification failed: " + e.getMessage(), e);
        }
    }
}
