package dev.progresshub.ingest.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.jboss.logging.Logger;

import dev.progresshub.domain.Event;
import dev.progresshub.domain.EventType;
import dev.progresshub.errors.ProblemException;
import dev.progresshub.ingest.IngestReceipt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * One streaming log upload, confined to its request's event loop: bytes become lines, lines become events,
 * and events are applied in batches (at most {@link Bounds#batchEvents}) by the ingest group commit (never the
 * database on the event loop). While a batch is being saved, or while the token's request budget is spent (one
 * unit per {@link Bounds#linesPerUnit} lines), the request is paused: a fast producer is slowed by TCP instead
 * of filling memory or being refused. A timer saves smaller batches so readers see progress within a fraction
 * of a second, and ends an upload that sent nothing for the idle limit. No thread waits on the client.
 */
final class LogUpload {

    private static final Logger LOG = Logger.getLogger(LogUpload.class);
    private static final Set<EventType> FINISHING = Set.of(EventType.JOB_COMPLETE, EventType.JOB_FAIL,
            EventType.JOB_CANCEL);

    /** The limits one upload runs under. */
    record Bounds(int maxLineBytes, int batchEvents, long flushMillis, long idleMillis, int linesPerUnit) {
    }

    /** What the upload needs from the service; {@code current} runs on a worker thread. */
    interface Sink {
        /** Queues the batch for the group commit; completes once it committed. */
        CompletionStage<IngestReceipt> apply(List<Event> batch);

        IngestReceipt.JobBrief current();

        /** Spends one unit of the token's request budget: 0, else nanoseconds until one is available. */
        long spendLineUnit();

        /** One line's outcome, for the metrics: event, ignored, parse_error or overlong. */
        void counted(String outcome);

        void answer(LogTally tally);

        void fail(Throwable failure);
    }

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final LogLineParser parser;
    private final LineSplitter splitter;
    private final Bounds bounds;
    private final Sink sink;
    private List<Event> pending = new ArrayList<>();
    private long lines;
    private long applied;
    private long duplicates;
    private long ignored;
    private long parseErrors;
    private long linesUnpaid;
    private IngestReceipt.JobBrief job;
    private boolean saving;
    private boolean throttled;
    private boolean paused = true;
    private boolean bodyEnded;
    private boolean jobFinished;
    private boolean over;
    private Throwable endedBy;
    private long lastActivity = System.nanoTime();
    private long timer = -1;

    LogUpload(Vertx vertx, HttpServerRequest request, LogLineParser parser, Bounds bounds, Sink sink) {
        this.vertx = vertx;
        this.request = request;
        this.parser = parser;
        this.splitter = new LineSplitter(bounds.maxLineBytes());
        this.bounds = bounds;
        this.sink = sink;
    }

    /** Starts reading the (paused) request body. Must run on the request's event loop. */
    void start() {
        request.handler(this::onChunk);
        request.endHandler(ignored -> onBodyEnd());
        request.exceptionHandler(this::onClientGone);
        timer = vertx.setPeriodic(bounds.flushMillis(), id -> tick());
        resume();
    }

    /**
     * Ends the upload early (its token was revoked, or it idled): nothing more is read, what was reported so
     * far is still applied, and the answer is this problem. Must run on the request's event loop.
     */
    void interrupt(ProblemException reason) {
        if (over || bodyEnded) {
            return;
        }
        endedBy = reason;
        bodyEnded = true;
        pause();
        if (!saving) {
            afterSave();
        }
    }

    private void onChunk(Buffer chunk) {
        if (over || bodyEnded) {
            return;
        }
        lastActivity = System.nanoTime();
        long overlongBefore = splitter.overlongLines();
        splitter.feed(chunk.getBytes(), this::onLine);
        countOverlong(overlongBefore);
        payForLines();
        if (pending.size() >= bounds.batchEvents()) {
            pause();
            save();
        }
    }

    private void onLine(String line) {
        lines++;
        linesUnpaid++;
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

    /** One budget unit per block of lines; past the budget, reading waits until the next unit is due. */
    private void payForLines() {
        while (linesUnpaid >= bounds.linesPerUnit() && !throttled) {
            long waitNanos = sink.spendLineUnit();
            if (waitNanos > 0) {
                throttled = true;
                pause();
                vertx.setTimer(Math.max(1, waitNanos / 1_000_000), id -> {
                    throttled = false;
                    payForLines();
                    resumeIfIdle();
                });
            } else {
                linesUnpaid -= bounds.linesPerUnit();
            }
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

    private void tick() {
        if (!paused && !bodyEnded
                && System.nanoTime() - lastActivity >= bounds.idleMillis() * 1_000_000) {
            interrupt(ProblemException.limitReached(408, "log-idle-timeout", "the upload sent nothing for "
                    + bounds.idleMillis() / 1000 + " s and was ended; the lines before that were kept"));
            return;
        }
        save();
    }

    private void save() {
        if (saving || over || pending.isEmpty()) {
            return;
        }
        saving = true;
        List<Event> batch = takeBatch();
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
        if (!pending.isEmpty() && (bodyEnded || pending.size() >= bounds.batchEvents() || jobFinished)) {
            save();
        } else if (bodyEnded) {
            finish();
        } else {
            resumeIfIdle();
        }
    }

    private void finish() {
        over = true;
        cancelTimer();
        if (endedBy != null) {
            sink.fail(endedBy);
            return;
        }
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

    private void pause() {
        paused = true;
        request.pause();
    }

    /** Reads on unless a save, the token's budget or a full batch holds it back. */
    private void resumeIfIdle() {
        if (!over && !bodyEnded && !saving && !throttled && pending.size() < bounds.batchEvents()) {
            resume();
        }
    }

    private void resume() {
        if (paused) {
            // the wait was ours, not the client's: the idle clock starts again
            lastActivity = System.nanoTime();
        }
        paused = false;
        request.resume();
    }

    private void countOverlong(long before) {
        for (long i = before; i < splitter.overlongLines(); i++) {
            sink.counted("overlong");
        }
    }

    /** At most one batch's worth: one chunk of short lines can hold thousands of events. */
    private List<Event> takeBatch() {
        if (pending.size() <= bounds.batchEvents()) {
            List<Event> batch = pending;
            pending = new ArrayList<>();
            return batch;
        }
        List<Event> batch = new ArrayList<>(pending.subList(0, bounds.batchEvents()));
        pending = new ArrayList<>(pending.subList(bounds.batchEvents(), pending.size()));
        return batch;
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
