package dev.progresshub.auth;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.vertx.core.http.HttpServerRequest;

/**
 * Authenticates every /api call through {@link Authenticator}, then enforces the method's
 * {@link RequiresScope} and what a share link may reach. A method under /api without the annotation is
 * refused: forgetting it must not open an endpoint.
 */
public class AuthFilter {

    private final Authenticator authenticator;
    private final CurrentCaller currentCaller;

    AuthFilter(Authenticator authenticator, CurrentCaller currentCaller) {
        this.authenticator = authenticator;
        this.currentCaller = currentCaller;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest http) {
        if (!request.getUriInfo().getPath().startsWith("/api/") || resource.getResourceMethod() == null) {
            return;
        }
        RequiresScope required = requiredScope(resource);
        MultivaluedMap<String, String> query = request.getUriInfo().getQueryParameters();
        boolean queryCredentials = required.allowQueryToken() && "GET".equals(request.getMethod());
        Credentials credentials = Credentials.of(request.getHeaderString(HttpHeaders.AUTHORIZATION),
                query.getFirst("access_token"), query.getFirst("ticket"), queryCredentials,
                Credentials.clientAddress(http));
        currentCaller.set(authenticator.authorize(credentials, required.value(), required.shareLinks(),
                request.getUriInfo().getPathParameters().getFirst("id")));
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
}
