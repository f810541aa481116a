package dev.progresshub.auth;

/**
 * A token bucket on the monotonic clock: holds up to {@code burst} units, refilled at {@code perSecond}.
 * Shared by the per-token request limit and the per-address failed-authentication limit.
 */
final class TokenBucket {

    private final double perNano;
    private final double burst;
    private double available;
    private long refilledAt;

    TokenBucket(double perSecond, double burst, long now) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.available = burst;
        this.refilledAt = now;
    }

    /** Takes one unit: 0 when taken, else the nanoseconds until one is available (nothing taken). */
    synchronized long take(long now) {
        refill(now);
        if (available >= 1) {
            available -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - available) / perNano));
    }

    /** Returns a unit taken for something that turned out not to count. */
    synchronized void giveBack(long now) {
        refill(now);
        available = Math.min(burst, available + 1);
    }

    /** Whether the bucket is full again: an idle entry that can be forgotten. */
    synchronized boolean full(long now) {
        refill(now);
        return available >= burst;
    }

    static long secondsToWait(long nanos) {
        return Math.max(1, (long) Math.ceil(nanos / 1e9));
    }

    private void refill(long now) {
        available = Math.min(burst, available + (now - refilledAt) * perNano);
        refilledAt = now;
    }
}
