package dev.progresshub.auth;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.errors.ProblemException;

/**
 * Failed authentications per client address (CONTRACT section 8): past the limit an address gets 429
 * before any database work, so guessing tokens costs the service nothing but this map.
 */
@ApplicationScoped
public class FailedAuthLimiter {

    private static final int MAX_TRACKED_ADDRESSES = 100_000;

    private final double perSecond;
    private final ConcurrentHashMap<String, TokenBucket> failures = new ConcurrentHashMap<>();

    FailedAuthLimiter(ProgressHubConfig config) {
        this.perSecond = config.limits().failedAuthPerSecond();
    }

    /** Refuses an address whose failures used up its allowance. */
    void checkAllowed(String address) {
        TokenBucket bucket = failures.get(address);
        long wait = bucket == null ? 0 : bucket.waitFor(System.nanoTime());
        if (wait > 0) {
            throw ProblemException.rateLimited("failed-auth-per-second", TokenBucket.secondsToWait(wait),
                    "too many failed authentications from this address");
        }
    }

    void failed(String address) {
        long now = System.nanoTime();
        if (failures.size() > MAX_TRACKED_ADDRESSES) {
            // forget addresses that have been quiet long enough to have their whole allowance back
            failures.values().removeIf(bucket -> bucket.full(now));
        }
        failures.computeIfAbsent(address, a -> new TokenBucket(perSecond, Math.max(1, perSecond), now)).take(now);
    }
}
