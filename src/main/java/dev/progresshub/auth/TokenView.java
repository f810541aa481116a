package dev.progresshub.auth;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A token as the API shows it; {@code token} is present only in the creation answer, never again. {@code job}
 * is set for a share link.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenView(String id, String token, String name, String project, List<String> scopes,
        Instant createdAt, Instant expiresAt, Instant revokedAt, String job) {
}
