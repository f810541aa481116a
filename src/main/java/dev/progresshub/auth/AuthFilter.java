package dev.progresshub.auth;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.progresshub.errors.ProblemException;

/**
 * Authenticates every /api call, enforces the method's {@link RequiresScope} and the token's rate limit.
 * A method under /api without the annotation is refused: forgetting it must not open an endpoint.
 */
public class AuthFilter {

    private static final String BEARER = "Bearer ";

    private final TokenService tokens;
    private final RateLimiter rateLimiter;
    private final CurrentCaller currentCaller;

    AuthFilter(TokenService tokens, RateLimiter rateLimiter, CurrentCaller currentCaller) {
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.currentCaller = currentCaller;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext request, ResourceInfo resource) {
        if (!request.getUriInfo().getPath().startsWith("/api/") || resource.getResourceMethod() == null) {
            return;
        }
        RequiresScope required = requiredScope(resource);
        String token = presentedToken(request, required.allowQueryToken());
        if (token == null) {
            throw ProblemException.unauthorized("send Authorization: Bearer <token>", false);
        }
        Caller caller = tokens.authenticate(token);
        rateLimiter.spend(caller.tokenId());
        if (!caller.has(required.value())) {
            throw ProblemException.forbidden(required.value().wire());
        }
        currentCaller.set(caller);
    }

    private static RequiresScope requiredScope(ResourceInfo resource) {
        RequiresScope onMethod = resource.getResourceMethod().getAnnotation(RequiresScope.class);
        RequiresScope required = onMethod != null ? onMethod
                : resource.getResourceClass().getAnnotation(RequiresScope.class);
        if (required == null) {
            throw new IllegalStateException("API method without @RequiresScope: " + resource.getResourceMethod());
        }
        return required;
    }

    private static String presentedToken(ContainerRequestContext request, boolean allowQueryToken) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = header.substring(BEARER.length()).strip();
            return token.isEmpty() ? null : token;
        }
        if (allowQueryToken) {
            String token = request.getUriInfo().getQueryParameters().getFirst("access_token");
            return token == null || token.isBlank() ? null : token;
        }
        return null;
    }
}
