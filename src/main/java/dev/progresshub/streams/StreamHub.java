package dev.progresshub.streams;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import dev.progresshub.auth.TokenRevoked;
import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.jobs.JobChanged;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Fans committed changes out to connected clients. No thread per client: a change is turned into
 * messages once, then handed to each interested subscription's emitter; the writes are asynchronous.
 */
@ApplicationScoped
public class StreamHub {

    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final ExecutorService fanOut = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("progress-hub-stream-fan-out").factory());
    private final ConcurrentHashMap<String, Integer> openPerToken = new ConcurrentHashMap<>();
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
        registry.gaugeCollectionSize("progresshub.stream.subscribers", List.of(), subscriptions);
    }

    /** Admits a new stream within the caps of CONTRACT section 8, before anything is read or written. */
    void register(Subscription subscription) {
        if (subscriptions.size() >= streamsPerInstance) {
            throw ProblemException.instanceFullOfStreams(streamsPerInstance, retryAfterSeconds);
        }
        boolean[] admitted = {false};
        openPerToken.compute(subscription.tokenId(), (token, open) -> {
            int now = open == null ? 0 : open;
            admitted[0] = now < streamsPerToken;
            return admitted[0] ? now + 1 : open;
        });
        if (!admitted[0]) {
            throw ProblemException.tooManyStreams(streamsPerToken, retryAfterSeconds);
        }
        subscriptions.add(subscription);
        if (shuttingDown) {
            subscription.close();
        }
    }

    /** Idempotent: a stream ends once, however many paths notice it. */
    void unregister(Subscription subscription) {
        if (subscriptions.remove(subscription)) {
            openPerToken.computeIfPresent(subscription.tokenId(), (token, open) -> open > 1 ? open - 1 : null);
        }
    }

    /** A revoked (or, on another instance, expired) token's streams end with ": token revoked". */
    void endStreamsOf(@Observes TokenRevoked revoked) {
        subscriptions.stream().filter(s -> s.tokenId().equals(revoked.tokenId())).forEach(Subscription::endForToken);
    }

    /** Ends the streams of tokens that expired meanwhile, well within the contract's 5 seconds. */
    @Scheduled(every = "1s", identity = "sse-token-expiry")
    void endExpiredStreams() {
        var now = clock.instant();
        subscriptions.stream().filter(s -> s.tokenExpiredAt(now)).forEach(Subscription::endForToken);
    }

    /**
     * Hands a committed change to the fan-out thread: the committing request answers at once, however
     * many clients watch. One thread keeps the changes in the order they were announced.
     */
    void publish(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
        fanOut.execute(() -> deliver(change));
    }

    private void deliver(JobChanged change) {
        List<SseMessage> messages = null;
        for (Subscription subscription : subscriptions) {
            if (subscription.wants(change)) {
                if (messages == null) {
                    messages = messagesOf(change);
                }
                subscription.offer(change, messages);
            }
        }
    }

    @Scheduled(every = "${progress-hub.streams.heartbeat-interval:15s}", identity = "sse-heartbeat")
    void heartbeat() {
        subscriptions.forEach(Subscription::heartbeat);
    }

    /**
     * Streams end with a retry hint as soon as shutdown starts, so clients reconnect to another instance.
     * It must happen here, in the pre-shutdown phase (quarkus.shutdown.delay-enabled): the HTTP server then
     * waits for in-flight requests, and an open stream is one; ShutdownEvent comes only after that wait.
     * A stream opened later is closed as soon as it is registered.
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
        subscriptions.forEach(Subscription::close);
    }

    static List<SseMessage> messagesOf(JobChanged change) {
        if (change.deleted()) {
            return List.of();
        }
        return change.events().stream()
                .map(e -> SseMessage.event(e, change))
                .toList();
    }
}
