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
import dev.progresshub.domain.DomainException;
import dev.progresshub.errors.HttpProblems;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.ingest.IngestService;
import dev.progresshub.jobs.JobFilter;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.read.JobReadResource;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * New streams opened on the event loop when all they need is in memory: a token this instance knows (header
 * or {@code ?access_token=}), no {@code Last-Event-ID} replay asked, and the first messages at hand: the
 * job's cached snapshot for {@code GET /api/jobs/{id}/stream}, the project's memo for {@code GET
 * /api/stream}. What dashboards open by the thousand costs then no worker hop and no JAX-RS request. Anything
 * else (a ticket, an unknown token, a replay, a cache miss, a bad id, project or filter) goes on to
 * {@link JobStreamResource} or {@link GlobalStreamResource}, which open the same streams on a worker with the
 * full checks.
 */
@ApplicationScoped
public class StreamRoutes {

    /** Ahead of JAX-RS, which handles whatever these routes pass on. */
    static final int ROUTE_ORDER = -5;

    private final Authenticator authenticator;
    private final StreamStarts starts;
    private final GlobalStartMemo globalStarts;
    private final SseStreams streams;
    private final JsonText json;

    StreamRoutes(Authenticator authenticator, StreamStarts starts, GlobalStartMemo globalStarts, SseStreams streams,
            JsonText json) {
        this.authenticator = authenticator;
        this.starts = starts;
        this.globalStarts = globalStarts;
        this.streams = streams;
        this.json = json;
    }

    void install(@Observes Router router) {
        router.get("/api/jobs/:id/stream").order(ROUTE_ORDER).handler(this::jobStream);
        router.get("/api/stream").order(ROUTE_ORDER).handler(this::globalStream);
    }

    private void jobStream(RoutingContext context) {
        HttpServerRequest request = context.request();
        Credentials credentials = credentials(request);
        Optional<Caller> known = knownCaller(credentials, request);
        Optional<JobKey> key = known.flatMap(caller -> keyOf(caller, context.pathParam("id"), request));
        if (key.flatMap(starts::fromMemory).isEmpty()) {
            context.next();
            return;
        }
        openOrPassOn(context, () -> streams.jobFromMemory(
                authenticator.admitKnown(credentials, known.get(), Scope.READ, true, key.get().id()), key.get(), request));
    }

    private void globalStream(RoutingContext context) {
        HttpServerRequest request = context.request();
        Credentials credentials = credentials(request);
        Optional<Caller> known = knownCaller(credentials, request);
        Optional<JobFilter> filter = known.flatMap(caller -> filterOf(caller, request));
        if (filter.flatMap(globalStarts::current).isEmpty()) {
            context.next();
            return;
        }
        openOrPassOn(context, () -> streams.jobsFromMemory(
                authenticator.admitKnown(credentials, known.get(), Scope.READ, false, null), filter.get(), globalStarts,
                request));
    }

    /** Admits and opens; a refusal is answered here, a start gone from memory meanwhile goes to the worker path. */
    private void openOrPassOn(RoutingContext context, Runnable admitAndOpen) {
        try {
            admitAndOpen.run();
        } catch (ProblemException refused) {
            HttpProblems.write(context.response(), refused, json, false);
        } catch (StartNotInMemory changedMeanwhile) {
            context.next();
        }
    }

    private static Credentials credentials(HttpServerRequest request) {
        return Credentials.of(request.getHeader(HttpHeaders.AUTHORIZATION), request.getParam("access_token"), null,
                true, Credentials.clientAddress(request));
    }

    /** The caller of a plain new stream (no replay asked, an event stream accepted), when the token is known. */
    private Optional<Caller> knownCaller(Credentials credentials, HttpServerRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        boolean plainNewStream = SseStreams.lastEventId(request.getHeader("Last-Event-ID"),
                request.getParam("lastEventId")) == null
                && (accept == null || accept.contains("text/event-stream") || accept.contains("*/*"));
        return plainNewStream ? authenticator.known(credentials) : Optional.empty();
    }

    /** The job addressed, when its id and the project asked are valid; invalid ones get the full answer. */
    private static Optional<JobKey> keyOf(Caller caller, String id, HttpServerRequest request) {
        return IngestService.JOB_ID.matcher(id).matches()
                ? caller.validProjectFor(request.getParam("project")).map(project -> new JobKey(project, id))
                : Optional.empty();
    }

    /** The jobs a global stream covers, when its parameters are valid; invalid ones get the full answer. */
    private static Optional<JobFilter> filterOf(Caller caller, HttpServerRequest request) {
        try {
            return Optional.of(JobReadResource.filter(caller, request.getParam("project"), request.getParam("job"),
                    request.getParam("status"), null, null, null));
        } catch (ProblemException | DomainException invalid) {
            return Optional.empty();
        }
    }
}
