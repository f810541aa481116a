package dev.progresshub.cluster;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;

import dev.progresshub.auth.TokenRevocation;
import dev.progresshub.cluster.ClusterMessage.Kind;
import dev.progresshub.config.JsonText;
import dev.progresshub.jobs.JobKey;

/**
 * Sends cluster messages inside the writer's transaction, so PostgreSQL delivers them only on commit.
 * One NOTIFY per transaction, never one per event: NOTIFY takes a database-wide lock at commit.
 */
@ApplicationScoped
public class ClusterNotifier {

    static final String CHANNEL = "progress_hub";

    private final String instanceId = UUID.randomUUID().toString();
    private final EntityManager entityManager;
    private final JsonText json;

    ClusterNotifier(EntityManager entityManager, JsonText json) {
        this.entityManager = entityManager;
        this.json = json;
    }

    public String instanceId() {
        return instanceId;
    }

    public void jobChanged(JobKey key, long version, long afterEventId, long lastEventId) {
        send(new ClusterMessage(instanceId, Kind.JOB_CHANGED, key.project(), key.id(), version, afterEventId,
                lastEventId, null));
    }

    public void jobDeleted(JobKey key, long version) {
        send(new ClusterMessage(instanceId, Kind.JOB_DELETED, key.project(), key.id(), version, null, null, null));
    }

    /** Inside the revoking transaction, so the others hear of it only once it is committed. */
    void tokenRevoked(@Observes(during = TransactionPhase.IN_PROGRESS) TokenRevocation revocation) {
        send(new ClusterMessage(instanceId, Kind.TOKEN_REVOKED, null, null, null, null, null, revocation.tokenId()));
    }

    private void send(ClusterMessage message) {
        entityManager.createNativeQuery("select cast(pg_notify(?1, ?2) as text)")
                .setParameter(1, CHANNEL)
                .setParameter(2, json.of(message))
                .getSingleResult();
    }
}
