package dev.progresshub.ingest.crawler;

import java.net.URI;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.progresshub.auth.CurrentCaller;
import dev.progresshub.auth.RequiresScope;
import dev.progresshub.auth.Scope;
import dev.progresshub.ingest.IngestResource;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /api/internal/jobs/progress}, the seed-003 crawler's progress report ({@link CrawlerReports}),
 * when {@code EventsRoute} passes it on (a token not known yet, a large or undeclared body). The answer is
 * the events answer, with the job's {@code requestedState}.
 */
@Path("/api/internal/jobs/progress")
@RequiresScope(Scope.INGEST)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CrawlerProgressResource {

    private final CrawlerReports reports;
    private final CurrentCaller caller;

    CrawlerProgressResource(CrawlerReports reports, CurrentCaller caller) {
        this.reports = reports;
        this.caller = caller;
    }

    @POST
    @Blocking
    public CompletionStage<Response> report(byte[] body, @QueryParam("project") String project,
            @HeaderParam(IngestResource.IDEMPOTENCY_KEY) String idempotencyKey, UriInfo uri) {
        URI requested = uri.getRequestUri();
        return reports.report(caller.get(), project, idempotencyKey, requested.getRawPath(), requested.getRawQuery(),
                body == null ? new byte[0] : body).thenApply(IngestResource.answering(uri));
    }
}
