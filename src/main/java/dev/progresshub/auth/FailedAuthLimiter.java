package dev.progresshub.auth;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.errors.ProblemException;

/**
 * Failed authentications per client address (CONTRACT section 8): past the limit an address gets 429
 * before any database work, so guessing tokens costs the service nothing but this map. A check that may
 * fail runs on a unit of the allowance taken beforehand and given back when it passes: requests sent at
 * once cannot all go through on the last unit left, so lookups per address never exceed the allowance.
 */
@ApplicationScoped
public class FailedAuthLimiter {

    private static final int MAX_TRACKED_ADDRESSES = 100_000;

    private final double perSecond;
    private final ConcurrentHashMap<String, TokenBucket> failures = new ConcurrentHashMap<>();

    FailedAuthLimiter(ProgressHubConfig config) {
        this.perSecond = config.limits().failedAuthPerSecond();
    }

    /** Takes a unit for a check that may fail, or refuses the address (429) when its allowance is used up. */
    void admit(String address) {
        long now = System.nanoTime();
        long wait = bucket(address, now).take(now);
        if (wait > 0) {
            throw ProblemException.rateLimited("failed-auth-per-second", TokenBucket.secondsToWait(wait),
                    "too many failed authentications from this address");
        }
    }

    /** The admitted check passed (or could not tell): its unit goes back, valid credentials spend nothing. */
    void passed(String address) {
        TokenBucket bucket = failures.get(address);
        if (bucket != null) {
            bucket.giveBack(System.nanoTime());
        }
    }

    /** A failure found without a database check (a cached token that expired) spends a unit too. */
    void failed(String address) {
        long now = System.nanoTime();
        bucket(address, now).take(now);
    }

    private TokenBucket bucket(String address, long now) {
        if (failures.size() > MAX_TRACKED_ADDRESSES) {
            // forget addresses that have been quiet long enough to have their whole allowance back
            failures.values().removeIf(bucket -> bucket.full(now));
        }
        return failures.computeIfAbsent(address, a -> new TokenBucket(perSecond, Math.max(1, perSecond), now));
    }
}
