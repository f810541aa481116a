package dev.progresshub.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.errors.Problem;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a declared oversized body before reading a byte of it, with the same problem answer the
 * services give (the HTTP server's own cap would answer 413 with no body). The streaming /log endpoint
 * has no size: it is read line by line.
 */
@ApplicationScoped
public class RequestSizeLimit {

    private final long maxBodyBytes;
    private final String problemJson;

    RequestSizeLimit(ProgressHubConfig config, ObjectMapper mapper) throws JsonProcessingException {
        this.maxBodyBytes = config.limits().bodyBytes();
        this.problemJson = mapper.writeValueAsString(Problem.of(413, "payload-too-large", "Payload too large",
                "the body is larger than the limit of " + maxBodyBytes + " bytes"));
    }

    void install(@Observes Router router) {
        router.route("/api/*").order(-90).handler(this::check);
    }

    private void check(RoutingContext context) {
        String declared = context.request().getHeader("Content-Length");
        if (declared != null && !context.normalizedPath().endsWith("/log") && exceeds(declared)) {
            context.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .putHeader("Connection", "close").end(problemJson);
            return;
        }
        context.next();
    }

    private boolean exceeds(String declared) {
        try {
            return Long.parseLong(declared.strip()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
