package dev.progresshub.ingest.crawler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.progresshub.ingest.EventLoopIngest;
import dev.progresshub.ingest.IngestResource;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;

/**
 * {@code POST /api/internal/jobs/progress}, one report per crawled item, taken on the event loop
 * ({@link EventLoopIngest}); what it passes on reaches {@link CrawlerProgressResource}.
 */
@ApplicationScoped
public class CrawlerReportRoute {

    private final EventLoopIngest eventLoop;
    private final CrawlerReports reports;

    CrawlerReportRoute(EventLoopIngest eventLoop, CrawlerReports reports) {
        this.eventLoop = eventLoop;
        this.reports = reports;
    }

    void install(@Observes Router router) {
        router.post("/api/internal/jobs/progress").order(EventLoopIngest.ROUTE_ORDER)
                .handler(context -> eventLoop.handle(context, null, (caller, body) -> {
                    HttpServerRequest request = context.request();
                    return reports.report(caller, request.getParam("project"),
                            request.getHeader(IngestResource.IDEMPOTENCY_KEY), request.path(), request.query(), body);
                }));
    }
}
