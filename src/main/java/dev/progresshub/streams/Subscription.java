package dev.progresshub.streams;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Predicate;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import dev.progresshub.auth.Caller;
import dev.progresshub.domain.JobStatus;
import dev.progresshub.jobs.JobChanged;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * One connected client. It is registered before its first messages are read from the database, and
 * holds live changes back until those are sent, so nothing committed in between is lost; per-job streams
 * drop what the replay already covered by id.
 */
final class Subscription {

    private final String tokenId;
    private final Instant tokenExpiresAt;
    private final Predicate<JobChanged> interest;
    private final boolean endsWithJob;
    private final Sse sse;
    private final StreamFormat format;
    private final long retryMillis;
    private final ArrayDeque<PendingChange> pending = new ArrayDeque<>();
    private List<SseMessage> initial = List.of();
    private MultiEmitter<? super OutboundSseEvent> emitter;
    private long lastSentId = -1;
    private boolean finished;
    private String closingComment;

    private record PendingChange(JobChanged change, List<SseMessage> messages) {
    }

    Subscription(Caller owner, Predicate<JobChanged> interest, boolean endsWithJob, Sse sse, StreamFormat format,
            long retryMillis) {
        this.tokenId = owner.tokenId();
        this.tokenExpiresAt = owner.expiresAt();
        this.interest = interest;
        this.endsWithJob = endsWithJob;
        this.sse = sse;
        this.format = format;
        this.retryMillis = retryMillis;
    }

    String tokenId() {
        return tokenId;
    }

    boolean tokenExpiredAt(Instant now) {
        return tokenExpiresAt != null && !now.isBefore(tokenExpiresAt);
    }

    boolean wants(JobChanged change) {
        return interest.test(change);
    }

    /** The messages read from the database for this client: snapshot, replay or reset. */
    synchronized void prime(List<SseMessage> messages, boolean jobAlreadyFinished) {
        initial = messages;
        finished = jobAlreadyFinished && endsWithJob;
    }

    /** The client subscribed: send what was read, then what arrived meanwhile, then go live. */
    synchronized void attach(MultiEmitter<? super OutboundSseEvent> clientEmitter) {
        emitter = clientEmitter;
        // a first comment flushes the headers at once and sets the client's reconnection delay
        emitter.emit(sse.newEventBuilder().comment("connected").reconnectDelay(retryMillis).build());
        initial.forEach(this::send);
        initial = List.of();
        while (!pending.isEmpty() && !finished) {
            PendingChange next = pending.poll();
            deliver(next.change(), next.messages());
        }
        if (closingComment != null) {
            end(closingComment);
        } else if (finished) {
            emitter.complete();
        }
    }

    synchronized void offer(JobChanged change, List<SseMessage> messages) {
        if (emitter == null) {
            pending.add(new PendingChange(change, messages));
        } else if (!finished) {
            deliver(change, messages);
            if (finished) {
                emitter.complete();
            }
        }
    }

    synchronized void heartbeat() {
        if (emitter != null && !finished) {
            emitter.emit(sse.newEventBuilder().comment("keepalive").build());
        }
    }

    /** Ends the stream, telling the client when to come back (server shutdown). */
    void close() {
        endWith("closing");
    }

    /** Ends the stream of a token that stopped being valid; reconnecting with it gets 401. */
    void endForToken() {
        endWith("token revoked");
    }

    private synchronized void endWith(String comment) {
        if (emitter == null) {
            closingComment = comment;
        } else if (!finished) {
            end(comment);
        }
    }

    private void end(String comment) {
        finished = true;
        emitter.emit(sse.newEventBuilder().comment(comment).reconnectDelay(retryMillis).build());
        emitter.complete();
    }

    /**
     * A per-job stream skips what it already sent: a change can reach this instance after the snapshot or
     * replay that covered it (held back while the start was read, or late from another instance).
     */
    private void deliver(JobChanged change, List<SseMessage> messages) {
        messages.stream().filter(m -> !endsWithJob || m.id() > lastSentId).forEach(this::send);
        if (endsWithJob && (change.deleted() || isTerminal(change))) {
            finished = true;
        }
    }

    private static boolean isTerminal(JobChanged change) {
        return JobStatus.fromWire(change.snapshot().status()).isTerminal();
    }

    private void send(SseMessage message) {
        lastSentId = Math.max(lastSentId, message.id());
        emitter.emit(sse.newEventBuilder().id(Long.toString(message.id())).data(message.data(format)).build());
    }
}
