package dev.progresshub.auth;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.errors.ProblemException;

/** A token bucket per token, per instance: a burst is allowed, then the sustained rate. */
@ApplicationScoped
public class RateLimiter {

    private static final int MAX_TRACKED_TOKENS = 100_000;

    private final double perSecond;
    private final double burst;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(ProgressHubConfig config) {
        this.perSecond = config.limits().requestsPerSecond();
        this.burst = config.limits().burst();
    }

    /** Spends one request of the token's allowance, or throws 429 with the wait until the next one. */
    public void spend(String tokenId) {
        long wait = tryTake(tokenId);
        if (wait > 0) {
            throw ProblemException.rateLimited("requests-per-second", TokenBucket.secondsToWait(wait));
        }
    }

    /**
     * Takes one unit if there is one: 0, else the nanoseconds to wait before asking again. For work that is
     * slowed rather than refused (a log upload past its budget is read more slowly).
     */
    public long tryTake(String tokenId) {
        long now = System.nanoTime();
        if (buckets.size() > MAX_TRACKED_TOKENS) {
            buckets.values().removeIf(bucket -> bucket.full(now));
        }
        return buckets.computeIfAbsent(tokenId, id -> new TokenBucket(perSecond, burst, now)).take(now);
    }
}
