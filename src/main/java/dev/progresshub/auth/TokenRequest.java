package dev.progresshub.auth;

import java.time.Instant;
import java.util.List;

/** Body of POST /api/tokens. */
public record TokenRequest(String name, String project, List<String> scopes, Instant expiresAt) {
}
