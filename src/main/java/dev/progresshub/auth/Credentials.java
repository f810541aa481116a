package dev.progresshub.auth;

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
