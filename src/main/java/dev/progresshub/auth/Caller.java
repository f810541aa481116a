package dev.progresshub.auth;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.progresshub.errors.ProblemException;

/**
 * The authenticated token behind a request. Never holds the token itself. {@code jobId} is set for a share
 * link: a read-only token for that one job of {@code project}.
 */
public record Caller(String tokenId, String name, String project, Set<Scope> scopes, Instant expiresAt,
        String jobId) {

    public static final String ALL_PROJECTS = "*";
    /** CONTRACT section 8: also keeps a project within what a cluster message (NOTIFY) can carry. */
    public static final Pattern PROJECT_NAME = Pattern.compile("[a-z0-9-]{1,64}");
    public static final String PROJECT_RULE = "at most 64 characters of a-z, 0-9 and '-'";

    public boolean isAdmin() {
        return scopes.contains(Scope.ADMIN);
    }

    public boolean has(Scope scope) {
        return isAdmin() || scopes.contains(scope);
    }

    public boolean isShareLink() {
        return jobId != null;
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /**
     * The project a request acts on: a project token always acts on its own project (so another project's
     * job is simply not found); an admin token acts on the requested one, "default" when none is named.
     */
    public String projectFor(String requested) {
        return validProjectFor(requested).orElseThrow(() -> ProblemException.invalid("project", PROJECT_RULE));
    }

    /** {@link #projectFor}, empty instead of a refusal when the requested name is out of bounds. */
    public Optional<String> validProjectFor(String requested) {
        boolean named = requested != null && !requested.isBlank();
        if (named && !PROJECT_NAME.matcher(requested).matches()) {
            return Optional.empty();
        }
        if (!isAdmin()) {
            return Optional.of(project);
        }
        return Optional.of(named ? requested : "default");
    }
}
