package dev.progresshub.ingest.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.jboss.logging.Logger;

import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.ingest.IngestReceipt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * One streaming log upload, confined to its request's event loop: bytes become lines, lines become events,
 * and events are applied in batches by the ingest group commit (never the database on the event loop). While a full
 * batch is being saved the request is paused, so a fast producer is slowed by TCP instead of filling memory;
 * a timer saves smaller batches so readers see progress within a fraction of a second.
 */
final class LogUpload {

    private static final Logger LOG = Logger.getLogger(LogUpload.class);
    private static final Set<EventType> FINISHING = Set.of(EventType.JOB_COMPLETE, EventType.JOB_FAIL,
            EventType.JOB_CANCEL);

    /** What the upload needs from the service; {@code current} runs on a worker thread. */
    interface Sink {
        /** Queues the batch for the group commit; completes once it committed. */
        CompletionStage<IngestReceipt> apply(List<Event> batch);

        IngestReceipt.JobBrief current();

        /** One line's outcome, for the metrics: event, ignored, parse_error or overlong. */
        void counted(String outcome);

        void answer(LogTally tally);

        void fail(Throwable failure);
    }

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final LogLineParser parser;
    private final LineSplitter splitter;
    private final Sink sink;
    private final int flushEvents;
    private final long flushMillis;
    private List<Event> pending = new ArrayList<>();
    private long lines;
    private long applied;
    private long duplicates;
    private long ignored;
    private long parseErrors;
    private IngestReceipt.JobBrief job;
    private boolean saving;
    private boolean bodyEnded;
    private boolean jobFinished;
    private boolean over;
    private long timer = -1;

    LogUpload(Vertx vertx, HttpServerRequest request, LogLineParser parser, int maxLineBytes, int flushEvents,
            long flushMillis, Sink sink) {
        this.vertx = vertx;
        this.request = request;
        this.parser = parser;
        this.splitter = new LineSplitter(maxLineBytes);
        this.flushEvents = flushEvents;
        this.flushMillis = flushMillis;
        this.sink = sink;
    }

    /** Starts reading the (paused) request body. Must run on the request's event loop. */
    void start() {
        request.handler(this::onChunk);
        request.endHandler(ignored -> onBodyEnd());
        request.exceptionHandler(this::onClientGone);
        timer = vertx.setPeriodic(flushMillis, id -> save());
        request.resume();
    }

    private void onChunk(Buffer chunk) {
        if (over) {
            return;
        }
        long overlongBefore = splitter.overlongLines();
        splitter.feed(chunk.getBytes(), this::onLine);
        countOverlong(overlongBefore);
        if (pending.size() >= flushEvents) {
            request.pause();
            save();
        }
    }

    private void onLine(String line) {
        lines++;
        List<Event> events;
        try {
            events = parser.parse(line);
        } catch (RuntimeException e) {
            parseErrors++;
            sink.counted("parse_error");
            return;
        }
        if (events.isEmpty() || jobFinished) {
            ignored++;
            sink.counted("ignored");
            return;
        }
        sink.counted("event");
        pending.addAll(events);
        if (events.stream().anyMatch(e -> FINISHING.contains(e.type()))) {
            // nothing after a finishing event may share its batch: the job refuses it, and the batch with it
            jobFinished = true;
            save();
        }
    }

    private void onBodyEnd() {
        if (over || bodyEnded) {
            return;
        }
        long overlongBefore = splitter.overlongLines();
        splitter.finish(this::onLine);
        countOverlong(overlongBefore);
        bodyEnded = true;
        if (!saving) {
            afterSave();
        }
    }

    /** The client went away mid-body: what it reported so far is still applied; the answer goes nowhere. */
    private void onClientGone(Throwable failure) {
        if (over || bodyEnded) {
            return;
        }
        LOG.debugf("log upload interrupted: %s", failure.getMessage());
        bodyEnded = true;
        if (!saving) {
            afterSave();
        }
    }

    private void save() {
        if (saving || over || pending.isEmpty()) {
            return;
        }
        saving = true;
        List<Event> batch = takePending();
        Future<IngestReceipt> saved;
        try {
            saved = Future.fromCompletionStage(sink.apply(batch), vertx.getOrCreateContext());
        } catch (RuntimeException refused) {
            saved = Future.failedFuture(refused);
        }
        saved.onComplete(result -> {
            saving = false;
            if (result.failed()) {
                stop(result.cause());
                return;
            }
            applied += result.result().accepted();
            duplicates += result.result().duplicates();
            job = result.result().job();
            afterSave();
        });
    }

    private void afterSave() {
        if (over) {
            return;
        }
        if (!pending.isEmpty() && (bodyEnded || pending.size() >= flushEvents || jobFinished)) {
            save();
        } else if (bodyEnded) {
            finish();
        } else {
            request.resume();
        }
    }

    private void finish() {
        over = true;
        cancelTimer();
        Future<IngestReceipt.JobBrief> brief = job != null ? Future.succeededFuture(job)
                : vertx.executeBlocking(sink::current, false);
        brief.onComplete(result -> {
            if (result.failed()) {
                sink.fail(result.cause());
            } else {
                sink.answer(new LogTally(lines, applied, duplicates, ignored, parseErrors, splitter.overlongLines(),
                        result.result()));
            }
        });
    }

    private void stop(Throwable failure) {
        over = true;
        cancelTimer();
        sink.fail(failure);
    }

    private void countOverlong(long before) {
        for (long i = before; i < splitter.overlongLines(); i++) {
            sink.counted("overlong");
        }
    }

    private List<Event> takePending() {
        List<Event> batch = pending;
        pending = new ArrayList<>();
        return batch;
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
