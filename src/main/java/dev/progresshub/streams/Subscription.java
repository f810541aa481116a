package dev.progresshub.streams;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.progresshub.auth.Caller;
import dev.progresshub.domain.JobStatus;
import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.JobKey;
import io.netty.channel.EventLoop;
import io.vertx.core.http.HttpServerResponse;

/**
 * One connected client, written on the event loop that owns its connection; every method but the
 * constructor runs there, so nothing is locked. It is registered before its first messages are read, holds
 * live changes back until those are sent (so nothing committed in between is lost) and drops, on a
 * per-job stream, what the replay already covered by id.
 *
 * <p>A client that stops reading gets at most {@code queueLimit} messages queued (shared buffers, not
 * copies); beyond that the queue is dropped and, once the client reads again, it gets a {@code reset} and
 * the snapshot of every job it missed changes of.
 */
final class Subscription {

    private final String tokenId;
    private final Instant tokenExpiresAt;
    private final JobKey job;
    private final Predicate<JobChanged> interest;
    private final StreamFormat format;
    private final int queueLimit;
    private final HttpServerResponse response;
    private final Runnable close;
    private final EventLoop loop;
    private final Frames frames;
    private Shard shard;
    private List<StreamHub.Delivery> pending = new ArrayList<>();
    private ArrayDeque<SseMessage> queue;
    private Map<JobKey, JobChanged> missed;
    private long lastSentId = -1;
    private boolean live;
    private String closingComment;
    private boolean finishing;
    private boolean ended;

    /** A stream of one job (job != null: it ends after the job's terminal event) or of many (interest). */
    Subscription(Caller owner, JobKey job, Predicate<JobChanged> interest, StreamFormat format, int queueLimit,
            Frames frames, SseConnection connection) {
        this.tokenId = owner.tokenId();
        this.tokenExpiresAt = owner.expiresAt();
        this.job = job;
        this.interest = interest;
        this.format = format;
        this.queueLimit = queueLimit;
        this.response = connection.response();
        this.close = connection.close();
        this.loop = connection.loop();
        this.frames = frames;
    }

    String tokenId() {
        return tokenId;
    }

    /** The job of a per-job stream; null for a stream over many jobs. */
    JobKey job() {
        return job;
    }

    EventLoop loop() {
        return loop;
    }

    boolean tokenExpiredAt(Instant now) {
        return tokenExpiresAt != null && !now.isBefore(tokenExpiresAt);
    }

    boolean wants(JobChanged change) {
        return job != null ? job.equals(change.key()) : interest.test(change);
    }

    /** Joined its event loop's shard: from now on it sees every change. */
    void joined(Shard owner) {
        shard = owner;
        // a closed connection reports itself here; one closed before this point is seen at once
        response.exceptionHandler(ignored -> end());
        if (response.closed()) {
            end();
        }
    }

    /** The messages read for this client (snapshot, replay or reset): send them, then what arrived meanwhile. */
    void start(StreamStart start) {
        if (ended) {
            return;
        }
        live = true;
        if (closingComment != null) {
            endWith(closingComment);
            return;
        }
        start.messages().forEach(this::send);
        finishing = finishing || job != null && start.jobFinished();
        List<StreamHub.Delivery> held = pending;
        pending = null;
        held.forEach(this::offer);
        if (missed != null) {
            drain();
        }
        endIfFinished();
    }

    /** A committed change this client wants. */
    void offer(StreamHub.Delivery delivery) {
        if (ended || finishing) {
            return;
        }
        JobChanged change = delivery.change();
        if (missed != null) {
            remember(change);
        } else if (!live) {
            if (pending.size() < queueLimit) {
                pending.add(delivery);
            } else {
                // start() finds the overflow and sends the reset once the first messages are out
                overflow(pending.stream().map(StreamHub.Delivery::change).toList());
                pending = List.of();
                remember(change);
            }
            return;
        } else {
            for (SseMessage message : delivery.messages()) {
                if (job == null || message.id() > lastSentId) {
                    send(message);
                }
            }
        }
        if (job != null && (change.deleted() || isTerminal(change))) {
            finishing = true;
        }
        endIfFinished();
    }

    void heartbeat() {
        if (live && !ended && queue == null && missed == null) {
            response.write(frames.keepalive());
        }
    }

    /**
     * Sends the response head and the first comment, on the thread that opens the stream and before the
     * resource method returns: JAX-RS then finds the head written and leaves the response to this stream.
     */
    void sendHead() {
        response.putHeader("Content-Type", "text/event-stream").setChunked(true).write(frames.hello());
    }

    /** Ends the stream with a comment, telling the client when to come back (shutdown, revoked token). */
    void endWith(String comment) {
        if (!live) {
            closingComment = comment; // written by start(), after the head
        } else if (!ended) {
            response.write(frames.closing(comment));
            end();
        }
    }

    /** Writes at once while the connection takes it; queues while it does not, up to the limit. */
    private void send(SseMessage message) {
        lastSentId = Math.max(lastSentId, message.id());
        if (missed != null) {
            remember(message.job());
        } else if (queue == null && !response.writeQueueFull()) {
            response.write(message.frame(format));
        } else if (queue == null) {
            queue = new ArrayDeque<>();
            queue.add(message);
            response.drainHandler(ignored -> drain());
        } else if (queue.size() < queueLimit) {
            queue.add(message);
        } else {
            queue.add(message);
            overflow(List.of());
        }
    }

    /**
     * Too far behind: forget the queued messages, remember only the newest state of each job they were
     * about (shared objects, never more than one per job).
     */
    private void overflow(List<JobChanged> held) {
        missed = new LinkedHashMap<>();
        if (queue != null) {
            queue.forEach(m -> remember(m.job()));
            queue.clear();
        }
        held.forEach(this::remember);
        response.drainHandler(ignored -> drain());
    }

    private void remember(JobChanged change) {
        if (change != null) {
            missed.put(change.key(), change);
        }
    }

    private void drain() {
        if (queue != null) {
            while (!queue.isEmpty() && !response.writeQueueFull()) {
                response.write(queue.poll().frame(format));
            }
            if (!queue.isEmpty()) {
                return;
            }
        }
        if (response.writeQueueFull()) {
            return; // the drain handler calls again
        }
        queue = null;
        if (missed != null) {
            resendSnapshots();
        }
        endIfFinished();
    }

    /** The client caught up after an overflow: a reset, then the newest snapshot of every job it missed. */
    private void resendSnapshots() {
        Map<JobKey, JobChanged> jobs = missed;
        missed = null;
        long newest = jobs.values().stream().filter(c -> c != null && !c.deleted())
                .mapToLong(c -> c.snapshot().lastEventId()).max().orElse(lastSentId);
        JobChanged only = job != null ? jobs.get(job) : null;
        lastSentId = Math.max(lastSentId, newest);
        response.write(SseMessage.marker("reset", newest, only).frame(format));
        for (JobChanged change : jobs.values()) {
            if (change != null && !change.deleted()) {
                send(SseMessage.marker("snapshot", change.snapshot().lastEventId(), change));
            }
        }
    }

    private void endIfFinished() {
        if (finishing && queue == null && missed == null) {
            end();
        }
    }

    /** Leaves the hub without touching the response, which carries the refusal of the stream. */
    void abandon() {
        ended = true;
        shard.remove(this);
    }

    /** Ends the response (if still open) and leaves the hub; runs once. */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        pending = null;
        queue = null;
        missed = null;
        if (shard != null) {
            shard.remove(this);
        }
        close.run();
    }

    private static boolean isTerminal(JobChanged change) {
        return JobStatus.fromWire(change.snapshot().status()).isTerminal();
    }
}
