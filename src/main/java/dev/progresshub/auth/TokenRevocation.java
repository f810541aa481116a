package dev.progresshub.auth;

/**
 * A revocation this instance is committing (fired inside the revoking transaction): the cluster observes
 * it to tell every instance, each of which then fires {@link TokenRevoked}.
 */
public record TokenRevocation(String tokenId) {
}
