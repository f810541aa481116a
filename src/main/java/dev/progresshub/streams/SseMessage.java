package dev.progresshub.streams;

import java.nio.charset.StandardCharsets;

import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.StoredEvent;
import io.vertx.core.buffer.Buffer;

/**
 * One stream message before it is written: its SSE id, what it says (a timeline event, or a "snapshot" /
 * "reset" marker) and the job as it is after it. Each stream renders it with its {@link StreamFormat};
 * a message shared by many clients of one format is rendered once, to one buffer that every client's
 * connection writes (Vert.x buffers are not consumed by a write).
 */
public final class SseMessage {

    private final long id;
    private final String marker;
    private final StoredEvent event;
    private final JobChanged job;
    private volatile Rendered rendered;

    private record Rendered(StreamFormat format, Buffer frame) {
    }

    private SseMessage(long id, String marker, StoredEvent event, JobChanged job) {
        this.id = id;
        this.marker = marker;
        this.event = event;
        this.job = job;
    }

    static SseMessage event(StoredEvent event, JobChanged job) {
        return new SseMessage(event.id(), null, event, job);
    }

    /** The message that starts a stream ("snapshot") or restarts it after a gap ("reset"); job may be null. */
    static SseMessage marker(String type, long id, JobChanged job) {
        return new SseMessage(id, type, null, job);
    }

    public long id() {
        return id;
    }

    /** "snapshot" or "reset"; null for a timeline event. */
    public String marker() {
        return marker;
    }

    /** The timeline event; null for a marker. */
    public StoredEvent event() {
        return event;
    }

    /** The job after this message; null only for the reset marker of a stream over many jobs. */
    public JobChanged job() {
        return job;
    }

    /** The whole SSE frame ({@code id:}, {@code data:}, blank line) in the format; racing renders are equal. */
    Buffer frame(StreamFormat format) {
        Rendered last = rendered;
        if (last != null && last.format() == format) {
            return last.frame();
        }
        Buffer frame = Buffer.buffer(("id: " + id + "\ndata: " + format.data(this) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        rendered = new Rendered(format, frame);
        return frame;
    }
}
