package dev.progresshub.streams;

import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import dev.progresshub.auth.Caller;
import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.JobKey;
import io.smallrye.mutiny.Multi;

/**
 * Opens a stream for a resource: registers the client, reads its first messages (on the caller's worker
 * thread), then hands back a Multi that the hub feeds. No thread is held per client.
 */
@ApplicationScoped
public class SseStreams {

    private final StreamHub hub;
    private final StreamStarts starts;
    private final ProgressHubConfig.Streams config;
    private final int streamQueue;

    SseStreams(StreamHub hub, StreamStarts starts, ProgressHubConfig config) {
        this.hub = hub;
        this.starts = starts;
        this.config = config.streams();
        this.streamQueue = config.limits().streamQueue();
    }

    /** One job's stream in the given format; it ends after the job's terminal event. */
    public Multi<OutboundSseEvent> job(Caller caller, JobKey key, Long lastEventId, Sse sse, StreamFormat format) {
        return open(caller, change -> change.key().equals(key), true, sse, format,
                () -> starts.forJob(key, lastEventId));
    }

    Multi<OutboundSseEvent> open(Caller caller, Predicate<JobChanged> interest, boolean endsWithJob, Sse sse,
            StreamFormat format, Supplier<StreamStart> read) {
        Subscription subscription = new Subscription(caller, interest, endsWithJob, sse, format,
                config.retry().toMillis());
        return open(subscription, read);
    }

    /**
     * Registers first (refused beyond the per-token and per-instance caps), then reads the start: a change
     * committed in between is held, not lost.
     */
    private Multi<OutboundSseEvent> open(Subscription subscription, Supplier<StreamStart> read) {
        hub.register(subscription);
        StreamStart start;
        try {
            start = read.get();
        } catch (RuntimeException e) {
            hub.unregister(subscription);
            throw e;
        }
        if (start.noContent()) {
            hub.unregister(subscription);
            throw new NothingToStream();
        }
        subscription.prime(start.messages(), start.jobFinished());
        Multi<OutboundSseEvent> events = Multi.createFrom().emitter(emitter -> {
            emitter.onTermination(() -> hub.unregister(subscription));
            subscription.attach(emitter);
        }, streamQueue);
        return events;
    }

    /** Reads a Last-Event-ID from the header, or from ?lastEventId= for clients that reopen by hand. */
    public static Long lastEventId(String header, String query) {
        String value = header != null && !header.isBlank() ? header : query;
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1L;
        }
    }
}
