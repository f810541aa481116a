package dev.progresshub.ingest.log;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.progresshub.auth.Authenticator;
import dev.progresshub.auth.Caller;
import dev.progresshub.auth.Credentials;
import dev.progresshub.auth.RateLimiter;
import dev.progresshub.auth.Scope;
import dev.progresshub.auth.TokenRevoked;
import dev.progresshub.config.JsonText;
import dev.progresshub.config.ProgressHubConfig;
import dev.progresshub.domain.Event;
import dev.progresshub.domain.JobStatus;
import dev.progresshub.domain.TerminalJobException;
import dev.progresshub.errors.HttpProblems;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.ingest.IngestReceipt;
import dev.progresshub.ingest.IngestService;
import dev.progresshub.ingest.JsonBodies;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobLoader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/jobs/{id}/log} (CONTRACT section 4, seed 000): a process's output, possibly streamed for
 * its whole life ({@code python3 scrape.py | curl -T - …}). Served as a plain Vert.x route, ahead of JAX-RS,
 * because JAX-RS would buffer the body and cut it at the global body limit; so it authenticates through the
 * same {@link Authenticator} as every resource and answers the same problem shapes. An upload ends when its
 * token is revoked or expires ({@link TokenRevoked}), or when it sends nothing for the idle limit; what it
 * reported so far is kept.
 */
@ApplicationScoped
public class LogIngestRoute {

    /** Before the global body-size check (order -2), which would refuse a large Content-Length. */
    static final int ROUTE_ORDER = -10;
    private static final List<String> ACCEPTED_TYPES = List.of("text/plain", "application/octet-stream");

    private final Authenticator authenticator;
    private final RateLimiter rateLimiter;
    private final IngestService ingest;
    private final JobLoader loader;
    private final JsonText json;
    private final LogLineParser parser;
    private final LogUpload.Bounds bounds;
    private final Map<String, Counter> lineCounters;
    /** Open uploads by token id, so a revocation can end them. */
    private final ConcurrentHashMap<String, Set<OpenUpload>> openUploads = new ConcurrentHashMap<>();

    private record OpenUpload(Context context, LogUpload upload) {
    }

    LogIngestRoute(Authenticator authenticator, RateLimiter rateLimiter, IngestService ingest, JobLoader loader,
            ObjectMapper mapper, JsonText json, JsonBodies bodies, ProgressHubConfig config, MeterRegistry registry) {
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        this.ingest = ingest;
        this.loader = loader;
        this.json = json;
        this.parser = new LogLineParser(mapper, bodies.eventReader());
        this.bounds = new LogUpload.Bounds(config.ingest().log().maxLineBytes(),
                Math.min(config.ingest().log().flushEvents(), config.limits().eventsPerRequest()),
                config.ingest().log().flushInterval().toMillis(), config.limits().logIdleTimeout().toMillis(),
                config.limits().logLinesPerRequestUnit());
        this.lineCounters = Map.of(
                "event", lineCounter(registry, "event"),
                "ignored", lineCounter(registry, "ignored"),
                "parse_error", lineCounter(registry, "parse_error"),
                "overlong", lineCounter(registry, "overlong"));
    }

    /** POST, and PUT because that is what {@code curl -T -} sends. */
    void install(@Observes Router router) {
        router.route("/api/jobs/:id/log").method(HttpMethod.POST).method(HttpMethod.PUT).order(ROUTE_ORDER)
                .handler(this::handle);
    }

    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        request.pause();
        String id = context.pathParam("id");
        String project = request.getParam("project");
        Credentials credentials = Credentials.bearerOf(request);
        String contentType = request.getHeader("Content-Type");
        context.vertx().executeBlocking(() -> admit(credentials, contentType, project, id), false)
                .onComplete(admitted -> {
                    if (admitted.failed()) {
                        refuse(context, admitted.cause());
                    } else {
                        continueIfExpected(request);
                        start(context, admitted.result());
                    }
                });
    }

    /** Who uploads to which job. */
    private record Admitted(Caller caller, JobKey key) {
    }

    /** Who may upload, to which job: 401, 403, 429, 415, 400 and 409 before a byte of the body is read. */
    private Admitted admit(Credentials credentials, String contentType, String project, String id) {
        Caller caller = authenticator.authorize(credentials, Scope.INGEST, false, id);
        if (!acceptedType(contentType)) {
            throw ProblemException.unsupportedMediaType("send the log as text/plain (or with no Content-Type)");
        }
        IngestService.validateJobId(id);
        JobKey key = new JobKey(caller.projectFor(project), id);
        loader.current(key).map(JobChanged::snapshot)
                .filter(job -> JobStatus.fromWire(job.status()).isTerminal())
                .ifPresent(job -> {
                    throw new TerminalJobException(id, JobStatus.fromWire(job.status()));
                });
        return new Admitted(caller, key);
    }

    private void start(RoutingContext context, Admitted admitted) {
        String tokenId = admitted.caller().tokenId();
        LogUpload upload = new LogUpload(context.vertx(), context.request(), parser, bounds,
                new UploadSink(context, admitted));
        OpenUpload open = new OpenUpload(Vertx.currentContext(), upload);
        openUploads.computeIfAbsent(tokenId, id -> ConcurrentHashMap.newKeySet()).add(open);
        context.response().closeHandler(ignored -> forget(tokenId, open));
        context.response().endHandler(ignored -> forget(tokenId, open));
        upload.start();
    }

    private void forget(String tokenId, OpenUpload open) {
        openUploads.computeIfPresent(tokenId, (id, uploads) -> {
            uploads.remove(open);
            return uploads.isEmpty() ? null : uploads;
        });
    }

    /** The token was revoked (on any instance) or expired: its uploads end, keeping what they reported. */
    void onRevoked(@Observes TokenRevoked revoked) {
        Set<OpenUpload> uploads = openUploads.remove(revoked.tokenId());
        if (uploads != null) {
            uploads.forEach(open -> open.context().runOnContext(ignored -> open.upload().interrupt(
                    ProblemException.unauthorized("the token was revoked or expired during the upload; the lines"
                            + " before that were kept", true))));
        }
    }

    /** curl asks before sending a body of unknown length; the answer comes once the upload is admitted. */
    private static void continueIfExpected(HttpServerRequest request) {
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            request.response().writeContinue();
        }
    }

    static boolean acceptedType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return ACCEPTED_TYPES.contains(mediaType);
    }

    /** A refusal ends the exchange: the rest of the body is not wanted, so the connection closes after it. */
    private void refuse(RoutingContext context, Throwable failure) {
        HttpServerResponse response = context.response();
        HttpProblems.write(response, failure, json, true);
        response.endHandler(ignored -> context.request().connection().close());
    }

    private static Counter lineCounter(MeterRegistry registry, String outcome) {
        return Counter.builder("progresshub.log.lines").description("Lines of uploaded process logs, by outcome")
                .tag("outcome", outcome).register(registry);
    }

    /** The upload's link to the service: each batch a request of the group commit, answers on the response. */
    private final class UploadSink implements LogUpload.Sink {

        private final RoutingContext context;
        private final Caller caller;
        private final JobKey key;
        private final String tokenId;

        UploadSink(RoutingContext context, Admitted admitted) {
            this.context = context;
            this.caller = admitted.caller();
            this.key = admitted.key();
            this.tokenId = admitted.caller().tokenId();
        }

        @Override
        public long spendLineUnit() {
            return rateLimiter.tryTake(tokenId);
        }

        @Override
        public CompletionStage<IngestReceipt> apply(List<Event> batch) {
            return ingest.apply(caller, key, batch);
        }

        @Override
        public IngestReceipt.JobBrief current() {
            return loader.current(key).map(JobChanged::snapshot)
                    .map(job -> new IngestReceipt.JobBrief(job.status(), job.requestedState(), job.version()))
                    .orElse(null);
        }

        @Override
        public void counted(String outcome) {
            lineCounters.get(outcome).increment();
        }

        @Override
        public void answer(LogTally tally) {
            HttpServerResponse response = context.response();
            if (response.ended() || response.closed()) {
                return;
            }
            response.setStatusCode(200).putHeader("Content-Type", "application/json").end(json.of(tally));
        }

        @Override
        public void fail(Throwable failure) {
            refuse(context, failure);
        }
    }
}
