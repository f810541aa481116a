package dev.progresshub.read;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.progresshub.auth.CurrentCaller;
import dev.progresshub.auth.RequiresScope;
import dev.progresshub.auth.Scope;
import dev.progresshub.auth.TokenService;
import dev.progresshub.auth.TokenView;
import dev.progresshub.errors.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import dev.progresshub.jobs.JobKey;

/**
 * Share links (CONTRACT section 1): a read-only token for one job, to hand progress to an end user without
 * giving them a project token. The {@code url} opens the dashboard with the token in the fragment, which
 * browsers never send to a server.
 */
@Path("/api/jobs/{id}/links")
@RequiresScope(Scope.READ)
@Produces(MediaType.APPLICATION_JSON)
public class ShareLinkResource {

    static final Duration DEFAULT_VALIDITY = Duration.ofDays(1);
    static final Duration MAX_VALIDITY = Duration.ofDays(30);

    private final TokenService tokens;
    private final JobQueryService queries;
    private final CurrentCaller caller;
    private final Clock clock;

    ShareLinkResource(TokenService tokens, JobQueryService queries, CurrentCaller caller, Clock clock) {
        this.tokens = tokens;
        this.queries = queries;
        this.caller = caller;
        this.clock = clock;
    }

    public record LinkRequest(Long expiresInSeconds) {
    }

    /** Answered inside a {@code Response}, which hides its type from Quarkus: registered for native. */
    @RegisterForReflection
    public record LinkView(String id, String token, String url, Instant expiresAt) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("id") String id, @QueryParam("project") String project, LinkRequest request,
            @Context UriInfo uri) {
        JobKey key = new JobKey(caller.get().projectFor(project), id);
        queries.snapshot(key);
        TokenView link = tokens.createShareLink(key.project(), key.id(), clock.instant().plus(validity(request)));
        String url = uri.getBaseUri().resolve("/").toString() + "#token=" + link.token();
        return Response.created(URI.create(uri.getPath() + "/" + link.id()))
                .entity(new LinkView(link.id(), link.token(), url, link.expiresAt())).build();
    }

    @DELETE
    @Path("/{linkId}")
    public void revoke(@PathParam("id") String id, @PathParam("linkId") String linkId,
            @QueryParam("project") String project) {
        tokens.revokeShareLink(caller.get().projectFor(project), id, linkId);
    }

    private static Duration validity(LinkRequest request) {
        if (request == null || request.expiresInSeconds() == null) {
            return DEFAULT_VALIDITY;
        }
        long seconds = request.expiresInSeconds();
        if (seconds < 1 || seconds > MAX_VALIDITY.toSeconds()) {
            throw ProblemException.invalid("expiresInSeconds", "between 1 and " + MAX_VALIDITY.toSeconds()
                    + " (30 days)");
        }
        return Duration.ofSeconds(seconds);
    }
}
