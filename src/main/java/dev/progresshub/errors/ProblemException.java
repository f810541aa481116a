package dev.progresshub.errors;

import java.util.List;
import java.util.Map;

/**
 * A refusal the service decides on (not a domain rule): it carries the problem answer and any headers it
 * needs, such as {@code WWW-Authenticate} or {@code Retry-After}.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Map<String, String> headers;

    private ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.headers = headers;
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Problem.of(400, "bad-request", "Bad request", detail), Map.of());
    }

    public static ProblemException invalid(String field, String message) {
        return new ProblemException(Problem.of(400, "validation", "Invalid request", field + ": " + message)
                .withErrors(List.of(new Problem.FieldProblem(field, message))), Map.of());
    }

    /** A missing, unknown, expired or revoked token; {@code error} follows RFC 6750 when a token was sent. */
    public static ProblemException unauthorized(String detail, boolean tokenWasSent) {
        String challenge = tokenWasSent
                ? "Bearer realm=\"progress-hub\", error=\"invalid_token\", error_description=\"" + detail + "\""
                : "Bearer realm=\"progress-hub\"";
        return new ProblemException(Problem.of(401, "unauthorized", "Unauthorized", detail),
                Map.of("WWW-Authenticate", challenge));
    }

    public static ProblemException forbidden(String scope) {
        return new ProblemException(Problem.of(403, "forbidden", "Forbidden",
                "this token lacks the '" + scope + "' scope"),
                Map.of("WWW-Authenticate", "Bearer realm=\"progress-hub\", error=\"insufficient_scope\", scope=\"" + scope + "\""));
    }

    public static ProblemException forbiddenToShareLinks() {
        return new ProblemException(Problem.of(403, "forbidden", "Forbidden",
                "a share link only reads its own job: its snapshot, events and stream"), Map.of());
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(404, "not-found", "Not found", detail), Map.of());
    }

    public static ProblemException payloadTooLarge(String detail) {
        return new ProblemException(Problem.of(413, "payload-too-large", "Payload too large", detail), Map.of());
    }

    public static ProblemException unsupportedMediaType(String detail) {
        return new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported Media Type", detail),
                Map.of());
    }

    public static ProblemException idempotencyMismatch() {
        return new ProblemException(Problem.of(422, "idempotency-key-reused", "Idempotency-Key reused",
                "this Idempotency-Key was already used with a different request body"), Map.of());
    }

    /** The service cannot take this request now (a full queue, a failed commit); nothing of it was applied. */
    public static ProblemException unavailable(String detail, long retryAfterSeconds) {
        return new ProblemException(Problem.of(503, "unavailable", "Service unavailable", detail),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /** The crawler payload's {@code updateId} stands in for an Idempotency-Key; its reuse is named as such. */
    public static ProblemException updateIdReused(String updateId) {
        return new ProblemException(Problem.of(422, "update-id-reused", "updateId reused",
                "updateId '" + updateId + "' was already used with a different report; send a new updateId for "
                        + "each report (a retry of the same report may reuse it)"), Map.of());
    }

    /** 429 for a per-token limit; the detail names the setting ({@code progress-hub.limits.<limit>}). */
    public static ProblemException rateLimited(String limit, long retryAfterSeconds) {
        return rateLimited(limit, retryAfterSeconds, "this token's request rate is over its limit");
    }

    public static ProblemException rateLimited(String limit, long retryAfterSeconds, String reason) {
        return new ProblemException(Problem.of(429, "rate-limited", "Too many requests",
                reason + " (progress-hub.limits." + limit + "); retry after " + retryAfterSeconds + " s"),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /** A limit that ended or refused a request; {@code limit} is its setting under progress-hub.limits. */
    public static ProblemException limitReached(int status, String limit, String detail) {
        return new ProblemException(Problem.of(status, "limit-" + limit, "Limit reached",
                detail + " (progress-hub.limits." + limit + ")"), Map.of());
    }

    /** The token holds progress-hub.limits.streams-per-token open streams already. */
    public static ProblemException tooManyStreams(int limit, long retryAfterSeconds) {
        return new ProblemException(Problem.of(429, "streams-per-token", "Too many streams",
                "this token has " + limit + " streams open (progress-hub.limits.streams-per-token); close one or retry after "
                        + retryAfterSeconds + " s"),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /** This instance serves progress-hub.limits.streams-per-instance streams already. */
    public static ProblemException instanceFullOfStreams(int limit, long retryAfterSeconds) {
        return new ProblemException(Problem.of(503, "streams-per-instance", "Too many streams on this instance",
                "this instance serves " + limit + " streams (progress-hub.limits.streams-per-instance); retry after "
                        + retryAfterSeconds + " s"),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }
}
