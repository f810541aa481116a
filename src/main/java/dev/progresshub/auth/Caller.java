package dev.progresshub.auth;

import java.time.Instant;
import java.util.Set;

/** The authenticated token behind a request. Never holds the token itself. */
public record Caller(String tokenId, String name, String project, Set<Scope> scopes, Instant expiresAt) {

    public static final String ALL_PROJECTS = "*";

    public boolean isAdmin() {
        return scopes.contains(Scope.ADMIN);
    }

    public boolean has(Scope scope) {
        return isAdmin() || scopes.contains(scope);
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /**
     * The project a request acts on: a project token always acts on its own project (so another project's
     * job is simply not found); an admin token acts on the requested one, "default" when none is named.
     */
    public String projectFor(String requested) {
        if (!isAdmin()) {
            return project;
        }
        return requested == null || requested.isBlank() ? "default" : requested;
    }
}
