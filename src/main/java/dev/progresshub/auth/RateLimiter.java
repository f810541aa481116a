package dev.progresshub.auth;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.errors.ProblemException;

/** A token bucket per token, per instance: a burst is allowed, then the sustained rate. */
@ApplicationScoped
public class RateLimiter {

    private static final int MAX_TRACKED_TOKENS = 100_000;

    private final double ratePerNano;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(ProgressHubConfig config) {
        this.ratePerNano = config.limits().requestsPerSecond() / 1e9;
        this.burst = config.limits().burst();
    }

    /** Spends one request of the token's allowance, or throws 429 with the wait until the next one. */
    public void spend(String tokenId) {
        if (buckets.size() > MAX_TRACKED_TOKENS) {
            buckets.clear();
        }
        double deficit = buckets.computeIfAbsent(tokenId, id -> new Bucket(burst)).take(System.nanoTime());
        if (deficit > 0) {
            throw ProblemException.rateLimited(Math.max(1, (long) Math.ceil(deficit / ratePerNano / 1e9)));
        }
    }

    private final class Bucket {
        private double available;
        private long refilledAt = System.nanoTime();

        Bucket(double available) {
            this.available = available;
        }

        /** Returns 0 when a request was spent, else how many requests short the bucket is. */
        synchronized double take(long now) {
            available = Math.min(burst, available + (now - refilledAt) * ratePerNano);
            refilledAt = now;
            if (available >= 1) {
                available -= 1;
                return 0;
            }
            return 1 - available;
        }
    }
}
