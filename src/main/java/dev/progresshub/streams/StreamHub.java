package dev.progresshub.streams;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.interceptor.Interceptor;

import dev.progresshub.auth.TokenRevoked;
import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.jobs.JobChanged;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Fans committed changes out to connected clients. No thread per client and no copy per client: a change
 * is turned into messages once (each rendered to one shared buffer on first use), then handed to each
 * event loop's {@link Shard}, which writes it to its own connections. Admission (the stream caps of
 * CONTRACT section 8) is counted here.
 */
@ApplicationScoped
public class StreamHub {

    static final String TOKEN_REVOKED = "token revoked";

    private final ConcurrentHashMap<EventLoop, Shard> shards = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> openPerToken = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final ExecutorService fanOut = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("progress-hub-stream-fan-out").factory());
    private final int streamsPerToken;
    private final int streamsPerInstance;
    private final long retryAfterSeconds;
    private final Clock clock;
    private volatile boolean shuttingDown;

    StreamHub(MeterRegistry registry, ProgressHubConfig config, Clock clock) {
        this.streamsPerToken = config.limits().streamsPerToken();
        this.streamsPerInstance = config.limits().streamsPerInstance();
        this.retryAfterSeconds = Math.max(1, config.streams().retry().toSeconds());
        this.clock = clock;
        registry.gauge("progresshub.stream.subscribers", List.of(), open);
    }

    /**
     * Admits a new stream within the caps, before anything is read or written, and joins it to its event
     * loop's shard: every change handed to that loop from now on reaches it (held until it starts).
     */
    void register(Subscription subscription) {
        if (open.incrementAndGet() > streamsPerInstance) {
            open.decrementAndGet();
            throw ProblemException.instanceFullOfStreams(streamsPerInstance, retryAfterSeconds);
        }
        boolean[] admitted = {false};
        openPerToken.compute(subscription.tokenId(), (token, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < streamsPerToken;
            return admitted[0] ? now + 1 : count;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
            throw ProblemException.tooManyStreams(streamsPerToken, retryAfterSeconds);
        }
        shards.computeIfAbsent(subscription.loop(), loop -> new Shard(loop, this)).run(shard -> {
            shard.add(subscription);
            if (shuttingDown) {
                subscription.endWith("closing");
            }
        });
    }

    /** A stream that never started (its start failed or had nothing to send) leaves at once. */
    void abandon(Subscription subscription) {
        shards.get(subscription.loop()).run(shard -> subscription.abandon());
    }

    /** Called once per admitted stream, by its shard, when it ends. */
    void released(Subscription subscription) {
        open.decrementAndGet();
        openPerToken.computeIfPresent(subscription.tokenId(), (token, count) -> count > 1 ? count - 1 : null);
    }

    /**
     * Hands a committed change to the fan-out thread: the committing request answers at once, however many
     * clients watch. One thread keeps the changes in the order they were announced; each loop gets them in
     * that order. Observed after the snapshot cache and {@link GlobalStartMemo} (later priority), so a stream
     * that starts from either never misses a change that was handed out before it joined.
     */
    void publish(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(Interceptor.Priority.APPLICATION + 900)
            JobChanged change) {
        fanOut.execute(() -> {
            Delivery delivery = new Delivery(change, messagesOf(change));
            if (open.get() > 0) {
                // rendered here once, not on each loop; with no stream open, not at all (a stream that opens
                // meanwhile renders it on its loop)
                delivery.messages().forEach(m -> m.frame(StreamFormat.STANDARD));
            }
            shards.values().forEach(shard -> shard.run(s -> s.deliver(delivery)));
        });
    }

    @Scheduled(every = "${progress-hub.streams.heartbeat-interval:15s}", identity = "sse-heartbeat")
    void heartbeat() {
        shards.values().forEach(shard -> shard.run(Shard::heartbeat));
    }

    /** A revoked (or, on another instance, expired) token's streams end with ": token revoked". */
    void endStreamsOf(@Observes TokenRevoked revoked) {
        shards.values().forEach(shard -> shard.run(
                s -> s.endWhere(subscription -> subscription.tokenId().equals(revoked.tokenId()), TOKEN_REVOKED)));
    }

    /** Ends the streams of tokens that expired meanwhile, well within the contract's 5 seconds. */
    @Scheduled(every = "1s", identity = "sse-token-expiry")
    void endExpiredStreams() {
        var now = clock.instant();
        shards.values().forEach(shard -> shard.run(s -> s.endExpired(now)));
    }

    /**
     * Streams end with a retry hint as soon as shutdown starts, so clients reconnect to another instance.
     * It must happen here, in the pre-shutdown phase (quarkus.shutdown.delay-enabled): the HTTP server then
     * waits for in-flight requests, and an open stream is one; ShutdownEvent comes only after that wait.
     * A stream opened later is closed as soon as it joins.
     */
    void closeAllOnShutdownDelay(@Observes ShutdownDelayInitiatedEvent shutdown) {
        closeAll();
    }

    /** Fallback when no pre-shutdown phase ran (e.g. dev mode). */
    void closeAllOnShutdown(@Observes ShutdownEvent shutdown) {
        closeAll();
    }

    private void closeAll() {
        shuttingDown = true;
        shards.values().forEach(shard -> shard.run(s -> s.endWhere(subscription -> true, "closing")));
    }

    /** A committed change and its stream messages, made once for every client. */
    record Delivery(JobChanged change, List<SseMessage> messages) {
    }

    private static List<SseMessage> messagesOf(JobChanged change) {
        if (change.deleted()) {
            return List.of();
        }
        return change.events().stream()
                .map(e -> SseMessage.event(e, change))
                .toList();
    }
}
