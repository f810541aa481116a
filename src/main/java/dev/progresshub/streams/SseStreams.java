package dev.progresshub.streams;

import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.SseEventSink;

import dev.progresshub.auth.Caller;
import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.JobFilter;
import dev.progresshub.jobs.JobKey;
import io.vertx.core.http.HttpServerRequest;

/**
 * Opens a stream for a resource: admits and registers the client, reads its first messages (on the
 * caller's worker thread; from memory when a job's snapshot is cached and no replay is asked), then hands
 * them to the event loop that owns the connection. No thread is held per client.
 */
@ApplicationScoped
public class SseStreams {

    private final StreamHub hub;
    private final StreamStarts starts;
    private final Frames frames;
    private final int streamQueue;

    SseStreams(StreamHub hub, StreamStarts starts, ProgressHubConfig config) {
        this.hub = hub;
        this.starts = starts;
        this.frames = new Frames(config.streams().retry().toMillis());
        this.streamQueue = config.limits().streamQueue();
    }

    /** One job's stream in the given format; it ends after the job's terminal event. */
    public void job(Caller caller, JobKey key, Long lastEventId, StreamFormat format, HttpServerRequest request,
            SseEventSink sink) {
        open(new Subscription(caller, key, null, format, streamQueue, frames, SseConnection.of(request, sink)),
                () -> lastEventId == null ? starts.fromMemory(key).orElseGet(() -> starts.forJob(key, null))
                        : starts.forJob(key, lastEventId));
    }

    /**
     * A new stream of one job, opened on its event loop from the cached snapshot ({@link StreamRoutes}), read
     * again once the stream has joined: a change handed out before that is in it.
     *
     * @throws StartNotInMemory when the snapshot has left the cache meanwhile
     */
    void jobFromMemory(Caller caller, JobKey key, HttpServerRequest request) {
        open(new Subscription(caller, key, null, StreamFormat.STANDARD, streamQueue, frames, SseConnection.of(request)),
                () -> starts.fromMemory(key).orElseThrow(StartNotInMemory::new));
    }

    /** A stream of every job the filter covers, in the standard format. */
    void jobs(Caller caller, JobFilter filter, Supplier<StreamStart> read, HttpServerRequest request,
            SseEventSink sink) {
        open(new Subscription(caller, null, interestIn(filter), StreamFormat.STANDARD, streamQueue, frames,
                SseConnection.of(request, sink)), read);
    }

    /**
     * A new stream of many jobs, opened on its event loop from the project's memo ({@link StreamRoutes}),
     * checked again once the stream has joined: a change handed out before that has dropped the memo.
     *
     * @throws StartNotInMemory when the memo is no longer current
     */
    void jobsFromMemory(Caller caller, JobFilter filter, GlobalStartMemo memo, HttpServerRequest request) {
        open(new Subscription(caller, null, interestIn(filter), StreamFormat.STANDARD, streamQueue, frames,
                SseConnection.of(request)), () -> memo.current(filter).orElseThrow(StartNotInMemory::new));
    }

    private static Predicate<JobChanged> interestIn(JobFilter filter) {
        return change -> filter.covers(change.key(), change.deleted() ? null : change.snapshot().status());
    }

    /**
     * Registers first (refused beyond the per-token and per-instance caps), then reads the start: a change
     * committed in between is held, not lost.
     */
    private void open(Subscription subscription, Supplier<StreamStart> read) {
        hub.register(subscription);
        StreamStart start;
        try {
            start = read.get();
        } catch (RuntimeException e) {
            hub.abandon(subscription);
            throw e;
        }
        if (start.noContent()) {
            hub.abandon(subscription);
            throw new NothingToStream();
        }
        subscription.sendHead();
        subscription.loop().execute(() -> subscription.start(start));
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
