package dev.progresshub.streams;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;

import dev.progresshub.auth.Authenticator;
import dev.progresshub.auth.Caller;
import dev.progresshub.auth.Credentials;
import dev.progresshub.auth.Scope;
import dev.progresshub.config.JsonText;
import dev.progresshub.errors.HttpProblems;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.ingest.IngestService;
import dev.progresshub.jobs.JobKey;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A new stream of one job, {@code GET /api/jobs/{id}/stream}, opened on the event loop when all it needs is
 * in memory: a token this instance knows (header or {@code ?access_token=}) and the job's cached snapshot,
 * with no {@code Last-Event-ID} replay asked. What dashboards open by the thousand costs then no worker hop
 * and no JAX-RS request. Anything else (a ticket, an unknown token, a replay, a cache miss, a bad id or
 * project) goes on to {@link JobStreamResource}, which opens the same stream on a worker with the full checks.
 */
@ApplicationScoped
public class JobStreamRoute {

    /** Ahead of JAX-RS, which handles whatever this route passes on. */
    static final int ROUTE_ORDER = -5;

    private final Authenticator authenticator;
    private final StreamStarts starts;
    private final SseStreams streams;
    private final JsonText json;

    JobStreamRoute(Authenticator authenticator, StreamStarts starts, SseStreams streams, JsonText json) {
        this.authenticator = authenticator;
        this.starts = starts;
        this.streams = streams;
        this.json = json;
    }

    void install(@Observes Router router) {
        router.get("/api/jobs/:id/stream").order(ROUTE_ORDER).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        Credentials credentials = Credentials.of(request.getHeader(HttpHeaders.AUTHORIZATION),
                request.getParam("access_token"), null, true, Credentials.clientAddress(request));
        Optional<Caller> known = opensFromMemory(request) ? authenticator.known(credentials) : Optional.empty();
        Optional<JobKey> key = known.flatMap(caller -> keyOf(caller, context.pathParam("id"), request));
        Optional<StreamStart> start = key.flatMap(starts::fromMemory);
        if (start.isEmpty()) {
            context.next();
            return;
        }
        try {
            Caller caller = authenticator.admitKnown(credentials, known.get(), Scope.READ, true, key.get().id());
            streams.jobFromMemory(caller, key.get(), start.get(), request);
        } catch (ProblemException refused) {
            HttpProblems.write(context.response(), refused, json, false);
        }
    }

    /** A plain new stream: no replay asked, and an event stream is what the client accepts. */
    private static boolean opensFromMemory(HttpServerRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return SseStreams.lastEventId(request.getHeader("Last-Event-ID"), request.getParam("lastEventId")) == null
                && (accept == null || accept.contains("text/event-stream") || accept.contains("*/*"));
    }

    /** The job addressed, when its id and the project asked are valid; invalid ones get the full answer. */
    private static Optional<JobKey> keyOf(Caller caller, String id, HttpServerRequest request) {
        return IngestService.JOB_ID.matcher(id).matches()
                ? caller.validProjectFor(request.getParam("project")).map(project -> new JobKey(project, id))
                : Optional.empty();
    }
}
