package dev.progresshub.ingest;

import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.progresshub.auth.Caller;
import dev.progresshub.domain.Event;
import dev.progresshub.jobs.JobKey;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/jobs/{id}/events}, the hot path of every worker, taken on the event loop
 * ({@link EventLoopIngest}); what it passes on reaches {@link IngestResource}.
 */
@ApplicationScoped
public class EventsRoute {

    private final EventLoopIngest eventLoop;
    private final IngestService ingest;
    private final JsonBodies bodies;

    EventsRoute(EventLoopIngest eventLoop, IngestService ingest, JsonBodies bodies) {
        this.eventLoop = eventLoop;
        this.ingest = ingest;
        this.bodies = bodies;
    }

    void install(@Observes Router router) {
        router.post("/api/jobs/:id/events").order(EventLoopIngest.ROUTE_ORDER)
                .handler(context -> eventLoop.handle(context, context.pathParam("id"),
                        (caller, body) -> submit(context, caller, body)));
    }

    private CompletionStage<IngestAnswer> submit(RoutingContext context, Caller caller, byte[] body) {
        HttpServerRequest request = context.request();
        String id = context.pathParam("id");
        IngestService.validateJobId(id);
        List<Event> events = bodies.readEvents(body);
        JobKey key = new JobKey(caller.projectFor(request.getParam("project")), id);
        IngestService.Request retryIdentity = IngestService.Request.of(caller,
                request.getHeader(IngestResource.IDEMPOTENCY_KEY), request.path(), request.query(), body);
        return ingest.ingest(retryIdentity, key, events);
    }
}
