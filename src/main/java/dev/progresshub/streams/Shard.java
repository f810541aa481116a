package dev.progresshub.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.progresshub.jobs.JobKey;
import io.netty.channel.EventLoop;

/**
 * The streams of one event loop, touched only on that loop: a change is handed to each loop once and
 * reaches its subscribers there, so writes are spread over the I/O threads and nothing is locked.
 * Per-job streams are found by job key; streams over many jobs are asked one by one.
 */
final class Shard {

    private final EventLoop loop;
    private final StreamHub hub;
    private final Map<JobKey, Set<Subscription>> byJob = new HashMap<>();
    private final Set<Subscription> manyJobs = new HashSet<>();

    Shard(EventLoop loop, StreamHub hub) {
        this.loop = loop;
        this.hub = hub;
    }

    /** Runs work on this shard's loop, in the order it was handed over. */
    void run(Consumer<Shard> work) {
        loop.execute(() -> work.accept(this));
    }

    void add(Subscription subscription) {
        if (subscription.job() != null) {
            byJob.computeIfAbsent(subscription.job(), key -> new HashSet<>()).add(subscription);
        } else {
            manyJobs.add(subscription);
        }
        subscription.joined(this);
    }

    void remove(Subscription subscription) {
        boolean removed;
        if (subscription.job() != null) {
            Set<Subscription> ofJob = byJob.get(subscription.job());
            removed = ofJob != null && ofJob.remove(subscription);
            if (ofJob != null && ofJob.isEmpty()) {
                byJob.remove(subscription.job());
            }
        } else {
            removed = manyJobs.remove(subscription);
        }
        if (removed) {
            hub.released(subscription);
        }
    }

    void deliver(StreamHub.Delivery delivery) {
        Set<Subscription> ofJob = byJob.get(delivery.change().key());
        if (ofJob != null) {
            // a stream may end (and leave the set) while it is handed the change
            new ArrayList<>(ofJob).forEach(s -> s.offer(delivery));
        }
        if (!manyJobs.isEmpty()) {
            List<Subscription> interested = manyJobs.stream().filter(s -> s.wants(delivery.change())).toList();
            interested.forEach(s -> s.offer(delivery));
        }
    }

    /** Ends, with the comment, every stream that matches. */
    void endWhere(Predicate<Subscription> which, String comment) {
        all().stream().filter(which).forEach(s -> s.endWith(comment));
    }

    void heartbeat() {
        all().forEach(Subscription::heartbeat);
    }

    void endExpired(Instant now) {
        endWhere(s -> s.tokenExpiredAt(now), StreamHub.TOKEN_REVOKED);
    }

    private List<Subscription> all() {
        List<Subscription> all = new ArrayList<>(manyJobs);
        byJob.values().forEach(all::addAll);
        return all;
    }
}
