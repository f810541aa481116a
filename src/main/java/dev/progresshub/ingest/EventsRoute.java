package dev.progresshub.ingest;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;

import dev.progresshub.auth.Authenticator;
import dev.progresshub.auth.Caller;
import dev.progresshub.auth.Credentials;
import dev.progresshub.auth.Scope;
import dev.progresshub.config.JsonText;
import dev.progresshub.domain.Event;
import dev.progresshub.errors.HttpProblems;
import dev.progresshub.jobs.JobKey;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/jobs/{id}/events}, the hot path of every worker, taken on the event loop when the token is
 * one this instance already knows: no worker hop, the body parsed where it arrived, the request handed to the
 * group committer, the answer written when its group committed. Anything else (an unknown token, another
 * media type, no or a large declared length) goes on to {@link IngestResource}, which answers the same
 * request on a worker with the same rules.
 */
@ApplicationScoped
public class EventsRoute {

    /** Ahead of JAX-RS, which handles whatever this route passes on. */
    static final int ROUTE_ORDER = -5;
    /** Bodies up to this size are parsed on the event loop; larger ones go to a worker. */
    static final long EVENT_LOOP_BODY_BYTES = 64 * 1024;

    private final Authenticator authenticator;
    private final IngestService ingest;
    private final JsonBodies bodies;
    private final JsonText json;

    EventsRoute(Authenticator authenticator, IngestService ingest, JsonBodies bodies, JsonText json) {
        this.authenticator = authenticator;
        this.ingest = ingest;
        this.bodies = bodies;
        this.json = json;
    }

    void install(@Observes Router router) {
        router.post("/api/jobs/:id/events").order(ROUTE_ORDER).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        Credentials credentials = Credentials.bearerOf(request);
        Optional<Caller> known = smallJson(request) ? authenticator.known(credentials) : Optional.empty();
        if (known.isEmpty()) {
            context.next();
            return;
        }
        // the small body is read whole before any answer, refusals included, so the connection stays reusable
        request.body().onSuccess(body -> submit(context, credentials, known.get(), body.getBytes()))
                .onFailure(failure -> HttpProblems.write(context.response(), failure, json, true));
        // the HTTP layer hands requests over paused until a handler wants their body
        request.resume();
    }

    private void submit(RoutingContext context, Credentials credentials, Caller known, byte[] body) {
        HttpServerRequest request = context.request();
        Context eventLoop = context.vertx().getOrCreateContext();
        String id = context.pathParam("id");
        try {
            Caller caller = authenticator.admitKnown(credentials, known, Scope.INGEST, false, id);
            IngestService.validateJobId(id);
            List<Event> events = bodies.readEvents(body);
            JobKey key = new JobKey(caller.projectFor(request.getParam("project")), id);
            IngestService.Request retryIdentity = IngestService.Request.of(caller,
                    request.getHeader(IngestResource.IDEMPOTENCY_KEY), request.path(), request.query(), body);
            ingest.ingest(retryIdentity, key, events).whenComplete((answer, failure) -> eventLoop.runOnContext(
                    done -> {
                        if (failure != null) {
                            HttpProblems.write(context.response(), unwrap(failure), json, false);
                        } else {
                            context.response().setStatusCode(answer.status())
                                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json;charset=UTF-8")
                                    .end(answer.body());
                        }
                    }));
        } catch (RuntimeException refused) {
            HttpProblems.write(context.response(), refused, json, false);
        }
    }

    /** A JSON body of a declared, small length: read whole on the event loop without risk. */
    private static boolean smallJson(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (type == null || !type.strip().toLowerCase(Locale.ROOT).startsWith("application/json")
                || length == null) {
            return false;
        }
        try {
            long declared = Long.parseLong(length.strip());
            return declared >= 0 && declared <= EVENT_LOOP_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
