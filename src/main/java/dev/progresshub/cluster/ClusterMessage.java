package dev.progresshub.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What one instance tells the others through PostgreSQL NOTIFY: small identifiers only (the payload limit
 * is 8000 bytes); receivers read the details from the database once per change, not once per client.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection(targets = { ClusterMessage.class, ClusterMessage.Kind.class })
public record ClusterMessage(String origin, Kind kind, String project, String job, Long version,
        Long afterEventId, Long lastEventId, String tokenId) {

    public enum Kind {
        JOB_CHANGED, JOB_DELETED, TOKEN_REVOKED
    }
}
