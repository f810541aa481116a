package dev.progresshub.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Response headers set before any handler writes: streams must reach clients unbuffered through proxies,
 * and the dashboard runs under a policy that forbids inline scripts.
 */
@ApplicationScoped
public class HttpHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    void install(@Observes Router router) {
        router.route().order(-100).handler(HttpHeaders::addHeaders);
    }

    private static void addHeaders(RoutingContext context) {
        String path = context.normalizedPath();
        if (path.startsWith("/api/") && (path.endsWith("/stream") || path.startsWith("/api/progress/stream/"))) {
            context.response().putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        } else if (!path.startsWith("/api/") && !path.startsWith("/q/")) {
            context.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                    .putHeader("Referrer-Policy", "no-referrer");
        }
        context.next();
    }
}
