package dev.progresshub.auth;

import java.net.URI;
import java.util.Arrays;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private final TokenService tokens;
    private final StreamTickets tickets;
    private final CurrentCaller caller;

    TokenResource(TokenService tokens, StreamTickets tickets, CurrentCaller caller) {
        this.tokens = tokens;
        this.tickets = tickets;
        this.caller = caller;
    }

    /** A single-use ticket, valid 60 s, that opens one stream with this token's rights ({@code ?ticket=}). */
    @POST
    @Path("/stream-tickets")
    @RequiresScope(value = Scope.READ, shareLinks = true)
    public Response streamTicket() {
        return Response.status(Response.Status.CREATED).entity(tickets.issue(caller.get())).build();
    }

    @POST
    @Path("/tokens")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.ADMIN)
    public Response create(TokenRequest request) {
        TokenView created = tokens.create(request);
        return Response.created(URI.create("/api/tokens/" + created.id())).entity(created).build();
    }

    @GET
    @Path("/tokens")
    @RequiresScope(Scope.ADMIN)
    public List<TokenView> list() {
        return tokens.list();
    }

    @DELETE
    @Path("/tokens/{id}")
    @RequiresScope(Scope.ADMIN)
    public void revoke(@PathParam("id") String id) {
        tokens.revoke(id);
    }

    /** Who this token is: lets a dashboard decide which controls to show. */
    @GET
    @Path("/me")
    @RequiresScope(value = Scope.READ, shareLinks = true)
    public MeView me() {
        Caller me = caller.get();
        return new MeView(me.tokenId(), me.name(), me.project(),
                Arrays.stream(Scope.values()).filter(me::has).map(Scope::wire).toList(), me.isAdmin(), me.jobId());
    }

    /** {@code job} is set for a share link: the one job it reads. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MeView(String tokenId, String name, String project, List<String> scopes, boolean admin,
            String job) {
    }
}
