package dev.progresshub.streams;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

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
    private volatile boolean shuttingDown;

    StreamHub(MeterRegistry registry) {
        registry.gaugeCollectionSize("progresshub.stream.subscribers", List.of(), subscriptions);
    }

    void register(Subscription subscription) {
        subscriptions.add(subscription);
        if (shuttingDown) {
            subscription.close();
        }
    }

    void unregister(Subscription subscription) {
        subscriptions.remove(subscription);
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
