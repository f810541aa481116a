package dev.progresshub.streams;

import java.util.function.Predicate;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.jboss.resteasy.reactive.RestMulti;

import dev.progresshub.auth.CurrentCaller;
import dev.progresshub.auth.RequiresScope;
import dev.progresshub.auth.Scope;
import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.read.JobFilter;
import dev.progresshub.read.JobReadResource;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;

/**
 * Server-Sent Events. Each request is authorized and its first messages are read on a worker thread,
 * before the stream starts; afterwards the stream holds no thread: the hub pushes into its emitter.
 */
@Path("/api")
@Produces(MediaType.SERVER_SENT_EVENTS)
@RequiresScope(value = Scope.READ, allowQueryToken = true)
public class StreamResource {

    private final StreamHub hub;
    private final StreamStarts starts;
    private final CurrentCaller caller;
    private final ProgressHubConfig.Streams config;

    StreamResource(StreamHub hub, StreamStarts starts, CurrentCaller caller, ProgressHubConfig config) {
        this.hub = hub;
        this.starts = starts;
        this.caller = caller;
        this.config = config.streams();
    }

    @GET
    @Path("/jobs/{id}/stream")
    @Blocking
    public Multi<OutboundSseEvent> job(@PathParam("id") String id, @QueryParam("project") String project,
            @HeaderParam("Last-Event-ID") String lastEventIdHeader, @QueryParam("lastEventId") String lastEventIdQuery,
            @Context Sse sse) {
        JobKey key = new JobKey(caller.get().projectFor(project), id);
        Subscription subscription = new Subscription(change -> change.key().equals(key), true, sse, retryMillis());
        return open(subscription, () -> starts.forJob(key, lastEventId(lastEventIdHeader, lastEventIdQuery)));
    }

    @GET
    @Path("/stream")
    @Blocking
    public Multi<OutboundSseEvent> jobs(@QueryParam("project") String project, @QueryParam("job") String jobs,
            @QueryParam("status") String status, @HeaderParam("Last-Event-ID") String lastEventIdHeader,
            @QueryParam("lastEventId") String lastEventIdQuery, @Context Sse sse) {
        JobFilter filter = JobReadResource.filter(caller.get(), project, jobs, status, null, null, null);
        Predicate<JobChanged> interest = change -> filter.covers(change.key(),
                change.deleted() ? null : change.snapshot().status());
        Subscription subscription = new Subscription(interest, false, sse, retryMillis());
        return open(subscription, () -> starts.forJobs(filter, lastEventId(lastEventIdHeader, lastEventIdQuery)));
    }

    /** Registers first, then reads the start: a change committed in between is held, not lost. */
    private Multi<OutboundSseEvent> open(Subscription subscription, java.util.function.Supplier<StreamStart> read) {
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
            return RestMulti.fromMultiData(Multi.createFrom().<OutboundSseEvent> empty()).status(204).build();
        }
        subscription.prime(start.messages(), start.jobFinished());
        Multi<OutboundSseEvent> events = Multi.createFrom().emitter(emitter -> {
            emitter.onTermination(() -> hub.unregister(subscription));
            subscription.attach(emitter);
        }, config.subscriberBuffer());
        return RestMulti.fromMultiData(events)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }

    private long retryMillis() {
        return config.retry().toMillis();
    }

    private static Long lastEventId(String header, String query) {
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
