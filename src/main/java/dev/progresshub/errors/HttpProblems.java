package dev.progresshub.errors;

import dev.progresshub.config.JsonText;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a problem answer on a raw Vert.x response, for the routes served outside JAX-RS: the same body,
 * media type and headers {@link ProblemMapper} gives.
 */
public final class HttpProblems {

    private HttpProblems() {
    }

    /** Answers the failure; with {@code closeConnection} the client is told not to send the rest of its body. */
    public static void write(HttpServerResponse response, Throwable failure, JsonText json,
            boolean closeConnection) {
        if (response.ended() || response.closed()) {
            return;
        }
        ProblemAnswer answer = Problems.of(failure);
        response.setStatusCode(answer.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        answer.headers().forEach(response::putHeader);
        if (closeConnection) {
            response.putHeader("Connection", "close");
        }
        response.end(json.of(answer.problem()));
    }
}
