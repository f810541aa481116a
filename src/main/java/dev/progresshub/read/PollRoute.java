package dev.progresshub.read;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;

import dev.progresshub.auth.Caller;
import dev.progresshub.auth.RateLimiter;
import dev.progresshub.auth.Scope;
import dev.progresshub.auth.TokenService;
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
    private static final String BEARER = "Bearer ";

    private final TokenService tokens;
    private final RateLimiter rateLimiter;
    private final JobQueryService queries;
    private final JsonText json;

    PollRoute(TokenService tokens, RateLimiter rateLimiter, JobQueryService queries, JsonText json) {
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.queries = queries;
        this.json = json;
    }

    void install(@Observes Router router) {
        router.get("/api/jobs/:id").order(ROUTE_ORDER).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        Optional<Caller> caller = request.getParam("include") == null
                ? bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION)).flatMap(tokens::cached)
                        .filter(known -> known.has(Scope.READ))
                : Optional.empty();
        Optional<CachedSnapshot> snapshot = caller.flatMap(known -> queries.cached(
                new JobKey(known.projectFor(request.getParam("project")), context.pathParam("id"))));
        if (snapshot.isEmpty()) {
            context.next();
            return;
        }
        try {
            rateLimiter.spend(caller.get().tokenId());
        } catch (ProblemException limited) {
            HttpProblems.write(context.response(), limited, json, false);
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

    private static Optional<String> bearerToken(String header) {
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = header.substring(BEARER.length()).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
