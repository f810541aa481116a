package dev.progresshub.read;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.progresshub.auth.Authenticator;
import dev.progresshub.auth.Credentials;
import dev.progresshub.auth.Scope;
import dev.progresshub.config.JsonText;
import dev.progresshub.errors.HttpProblems;
import dev.progresshub.jobs.JobKey;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/jobs/{id}/events} with {@code Accept: application/x-ndjson} or {@code text/csv} (CONTRACT
 * section 6): the whole timeline. A plain Vert.x route so no thread waits on a slow reader: a worker reads
 * one page, the event loop writes it, and the next page is read only once the connection has taken the
 * last one (write-queue backpressure). Authorized through the same {@link Authenticator} as every endpoint;
 * other Accept values fall through to the JSON page of {@link JobReadResource}.
 */
@ApplicationScoped
public class TimelineExportRoute {

    /** Ahead of JAX-RS, after the header and body-size routes. */
    static final int ROUTE_ORDER = -10;

    private final Authenticator authenticator;
    private final JobQueryService queries;
    private final TimelineExport export;
    private final JsonText json;

    TimelineExportRoute(Authenticator authenticator, JobQueryService queries, TimelineExport export, JsonText json) {
        this.authenticator = authenticator;
        this.queries = queries;
        this.export = export;
        this.json = json;
    }

    void install(@Observes Router router) {
        router.get("/api/jobs/:id/events").order(ROUTE_ORDER).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        String accept = request.getHeader("Accept");
        if (accept == null || !(accept.contains(JobReadResource.NDJSON) || accept.contains(JobReadResource.CSV))) {
            context.next();
            return;
        }
        boolean csv = !accept.contains(JobReadResource.NDJSON);
        String id = context.pathParam("id");
        String project = request.getParam("project");
        Credentials credentials = Credentials.bearerOf(request);
        context.vertx().executeBlocking(() -> {
            JobKey key = new JobKey(authenticator.authorize(credentials, Scope.READ, true, id).projectFor(project), id);
            queries.snapshot(key);
            return key;
        }, false).onComplete(admitted -> {
            if (admitted.failed()) {
                HttpProblems.write(context.response(), admitted.cause(), json, false);
                return;
            }
            HttpServerResponse response = context.response().setChunked(true)
                    .putHeader("Content-Type", csv ? JobReadResource.CSV : JobReadResource.NDJSON)
                    .putHeader("Content-Disposition", "attachment; filename=\"" + id + (csv ? ".csv" : ".ndjson") + "\"");
            response.write(TimelineExport.header(csv));
            new Writer(context, admitted.result(), request.getParam("type"), request.getParam("stage"), csv).next(0);
        });
    }

    /** Writes page after page while the client keeps up; a closed connection stops it. */
    private final class Writer {

        private final RoutingContext context;
        private final JobKey key;
        private final String type;
        private final String stage;
        private final boolean csv;

        Writer(RoutingContext context, JobKey key, String type, String stage, boolean csv) {
            this.context = context;
            this.key = key;
            this.type = type;
            this.stage = stage;
            this.csv = csv;
        }

        void next(long after) {
            HttpServerResponse response = context.response();
            context.vertx().executeBlocking(() -> export.page(key, type, stage, csv, after), false).onComplete(page -> {
                if (response.closed()) {
                    return;
                }
                if (page.failed()) {
                    // the status line is long gone: cut the body so the client sees an incomplete download
                    response.reset();
                    return;
                }
                response.write(page.result().text());
                if (!page.result().more()) {
                    response.end();
                } else if (response.writeQueueFull()) {
                    // a drain handler stays set: left in place it would fire again on a later drain and send
                    // this page's successor a second time
                    response.drainHandler(ignored -> {
                        response.drainHandler(null);
                        next(page.result().lastId());
                    });
                } else {
                    next(page.result().lastId());
                }
            });
        }
    }
}
