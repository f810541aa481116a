package dev.progresshub.auth;

/**
 * A token stopped being valid on this instance (revoked here or on another instance, or expired): whatever
 * it holds open (streams, log uploads) must end. Fired as a CDI event on every instance.
 */
public record TokenRevoked(String tokenId) {
}
