package dev.progresshub.ingest;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;

import dev.progresshub.auth.Authenticator;
import dev.progresshub.auth.Caller;
import dev.progresshub.auth.Credentials;
import dev.progresshub.auth.Scope;
import dev.progresshub.config.JsonText;
import dev.progresshub.errors.HttpProblems;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Ingest taken on the event loop, for the hot paths of workers and crawlers ({@link EventsRoute}, the crawler's
 * report route): when the token is one this instance already knows and the body is JSON of a declared, small
 * length, the body is read and checked where it arrived, handed to the group committer, and the answer written
 * when its group committed: no worker hop. Anything else goes on to the JAX-RS resource of the same path,
 * which answers the same request on a worker with the same rules.
 */
@ApplicationScoped
public class EventLoopIngest {

    /** Ahead of JAX-RS, which handles whatever these routes pass on. */
    public static final int ROUTE_ORDER = -5;
    /** Bodies up to this size are parsed on the event loop; larger ones go to a worker. */
    static final long EVENT_LOOP_BODY_BYTES = 64 * 1024;

    /** What a route does with the body of an admitted caller: check it and hand it to the committer. */
    @FunctionalInterface
    public interface Submission {
        CompletionStage<IngestAnswer> submit(Caller caller, byte[] body);
    }

    private final Authenticator authenticator;
    private final JsonText json;

    EventLoopIngest(Authenticator authenticator, JsonText json) {
        this.authenticator = authenticator;
        this.json = json;
    }

    /** Takes the request here, or passes it on; {@code jobInPath} is the job the path names (null for none). */
    public void handle(RoutingContext context, String jobInPath, Submission submission) {
        HttpServerRequest request = context.request();
        Credentials credentials = Credentials.bearerOf(request);
        Optional<Caller> known = smallJson(request) ? authenticator.known(credentials) : Optional.empty();
        if (known.isEmpty()) {
            context.next();
            return;
        }
        // the small body is read whole before any answer, refusals included, so the connection stays reusable
        request.body().onSuccess(body -> submit(context, credentials, known.get(), jobInPath, submission,
                        body.getBytes()))
                .onFailure(failure -> HttpProblems.write(context.response(), failure, json, true));
        // the HTTP layer hands requests over paused until a handler wants their body
        request.resume();
    }

    private void submit(RoutingContext context, Credentials credentials, Caller known, String jobInPath,
            Submission submission, byte[] body) {
        Context eventLoop = context.vertx().getOrCreateContext();
        try {
            Caller caller = authenticator.admitKnown(credentials, known, Scope.INGEST, false, jobInPath);
            submission.submit(caller, body).whenComplete((answer, failure) -> eventLoop.runOnContext(done -> {
                if (failure != null) {
                    HttpProblems.write(context.response(), unwrap(failure), json, false);
                } else {
                    context.response().setStatusCode(answer.status())
                            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json;charset=UTF-8")
                            .end(answer.body());
                }
            }));
        } catch (RuntimeException refused) {
            HttpProblems.write(context.response(), refused, json, false);
        }
    }

    /** A JSON body of a declared, small length: read whole on the event loop without risk. */
    private static boolean smallJson(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (type == null || !type.strip().toLowerCase(Locale.ROOT).startsWith("application/json")
                || length == null) {
            return false;
        }
        try {
            long declared = Long.parseLong(length.strip());
            return declared >= 0 && declared <= EVENT_LOOP_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
