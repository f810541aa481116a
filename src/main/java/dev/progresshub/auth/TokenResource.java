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

@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private final TokenService tokens;
    private final CurrentCaller caller;

    TokenResource(TokenService tokens, CurrentCaller caller) {
        this.tokens = tokens;
        this.caller = caller;
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
    @RequiresScope(Scope.READ)
    public MeView me() {
        Caller me = caller.get();
        return new MeView(me.tokenId(), me.name(), me.project(),
                Arrays.stream(Scope.values()).filter(me::has).map(Scope::wire).toList(), me.isAdmin());
    }

    public record MeView(String tokenId, String name, String project, List<String> scopes, boolean admin) {
    }
}
