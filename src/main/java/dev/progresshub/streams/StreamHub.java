package dev.progresshub.streams;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import dev.progresshub.jobs.JobChanged;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Fans committed changes out to connected clients. No thread per client: a change is turned into
 * messages once, then handed to each interested subscription's emitter; the writes are asynchronous.
 */
@ApplicationScoped
public class StreamHub {

    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

    StreamHub(MeterRegistry registry) {
        registry.gaugeCollectionSize("progresshub.stream.subscribers", List.of(), subscriptions);
    }

    void register(Subscription subscription) {
        subscriptions.add(subscription);
    }

    void unregister(Subscription subscription) {
        subscriptions.remove(subscription);
    }

    void publish(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobChanged change) {
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

    /** Streams end with a retry hint on shutdown, so clients reconnect to another instance. */
    void closeAll(@Observes ShutdownEvent shutdown) {
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
