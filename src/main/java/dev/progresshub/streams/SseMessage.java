package dev.progresshub.streams;

/** One stream message: its SSE id and its data, {"event": …, "job": …}, built once for every client. */
public record SseMessage(long id, String data) {

    static SseMessage of(long id, String eventJson, String snapshotJson) {
        return new SseMessage(id, "{\"event\":" + eventJson + ",\"job\":" + snapshotJson + "}");
    }

    /** The message that starts a stream (type "snapshot") or restarts it after a gap (type "reset"). */
    static SseMessage marker(String type, long id, String snapshotJson) {
        return of(id, "{\"type\":\"" + type + "\",\"id\":" + id + "}", snapshotJson);
    }
}
