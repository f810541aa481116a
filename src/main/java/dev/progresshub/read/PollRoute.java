package dev.progresshub.read;

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
import dev.progresshub.jobs.JobKey;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The 2-second poll, {@code GET /api/jobs/{id}}, answered on the event loop when everything it needs is in
 * memory: a token this instance knows and the job's cached snapshot. Anything else (an unknown token, a
 * cache miss, {@code ?include=}, a missing scope) goes on to {@link JobReadResource}, which answers the same
 * request on a worker with the full checks. Same answers either way: 304 or 200 with ETag.
 */
@ApplicationScoped
public class PollRoute {

    /** Ahead of JAX-RS, which handles whatever this route passes on. */
    static final int ROUTE_ORDER = -5;

    private final Authenticator authenticator;
    private final JobQueryService queries;
    private final JsonText json;

    PollRoute(Authenticator authenticator, JobQueryService queries, JsonText json) {
        this.authenticator = authenticator;
        this.queries = queries;
        this.json = json;
    }

    void install(@Observes Router router) {
        router.get("/api/jobs/:id").order(ROUTE_ORDER).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        String id = context.pathParam("id");
        Credentials credentials = Credentials.bearerOf(request);
        // only a token this instance already knows is answered here; the rest goes the full way, through the
        // same Authenticator, on a worker
        Optional<Caller> known = request.getParam("include") == null ? authenticator.known(credentials)
                : Optional.empty();
        // a project name out of bounds goes the full way too, which answers it with a 400
        Optional<CachedSnapshot> snapshot = known.flatMap(caller -> caller.validProjectFor(request.getParam("project")))
                .flatMap(project -> queries.cached(new JobKey(project, id)));
        if (snapshot.isEmpty()) {
            context.next();
            return;
        }
        try {
            authenticator.admitKnown(credentials, known.get(), Scope.READ, true, id);
        } catch (ProblemException refused) {
            HttpProblems.write(context.response(), refused, json, false);
            return;
        }
        String etag = snapshot.get().etag();
        var response = context.response().putHeader(HttpHeaders.ETAG, etag);
        if (CachedSnapshot.matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            response.setStatusCode(304).end();
        } else {
            response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json;charset=UTF-8")
                    .end(snapshot.get().json());
        }
    }

}
