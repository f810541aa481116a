package dev.progresshub.auth;

import io.vertx.core.http.HttpServerRequest;

/**
 * What a request presents to authenticate: the bearer header, and on the GET stream endpoints only
 * {@code ?access_token=} or {@code ?ticket=} (EventSource cannot send headers). Plus who sends it.
 */
public record Credentials(String bearer, String accessToken, String ticket, String clientAddress) {

    private static final String BEARER = "Bearer ";

    /** From the raw request parts; query credentials are dropped unless the endpoint takes them. */
    public static Credentials of(String authorizationHeader, String accessToken, String ticket,
            boolean queryCredentialsAllowed, String clientAddress) {
        return new Credentials(bearerToken(authorizationHeader), queryCredentialsAllowed ? blankToNull(accessToken) : null,
                queryCredentialsAllowed ? blankToNull(ticket) : null, clientAddress == null ? "unknown" : clientAddress);
    }

    /** What a plain Vert.x route takes: the bearer header only (query credentials are for stream endpoints). */
    public static Credentials bearerOf(HttpServerRequest request) {
        return of(request.getHeader("Authorization"), null, null, false, clientAddress(request));
    }

    /** The peer's address as the failed-authentication limit counts it; null when the connection has none. */
    public static String clientAddress(HttpServerRequest request) {
        return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }

    boolean none() {
        return bearer == null && accessToken == null && ticket == null;
    }

    /** The token, header first; null when only a ticket was sent. */
    String token() {
        return bearer != null ? bearer : accessToken;
    }

    private static String bearerToken(String header) {
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return blankToNull(header.substring(BEARER.length()).strip());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
