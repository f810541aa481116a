package dev.progresshub.streams;

import dev.progresshub.jobs.JobChanged;
import dev.progresshub.jobs.StoredEvent;

/**
 * One stream message before it is written: its SSE id, what it says (a timeline event, or a "snapshot" /
 * "reset" marker) and the job as it is after it. Each stream renders it with its {@link StreamFormat};
 * a message shared by many clients of one format is rendered once.
 */
public final class SseMessage {

    private final long id;
    private final String marker;
    private final StoredEvent event;
    private final JobChanged job;
    private volatile Rendered rendered;

    private record Rendered(StreamFormat format, String data) {
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

    String data(StreamFormat format) {
        Rendered last = rendered;
        if (last != null && last.format() == format) {
            return last.data();
        }
        String data = format.data(this);
        rendered = new Rendered(format, data);
        return data;
    }
}
