package dev.progresshub.streams;

/**
 * What a stream message's {@code data:} line carries. The service's own streams use {@link #STANDARD}
 * (CONTRACT section 6); compatibility endpoints (the seed-001 session stream) render the same messages in
 * the shape their clients already parse.
 */
@FunctionalInterface
public interface StreamFormat {

    String data(SseMessage message);

    /** {@code {"event": {…}, "job": {snapshot}}}; a marker's event is {@code {"type": marker, "id": id}}. */
    StreamFormat STANDARD = message -> {
        String event = message.event() != null ? message.event().json()
                : "{\"type\":\"" + message.marker() + "\",\"id\":" + message.id() + "}";
        String job = message.job() != null ? message.job().snapshotJson().text() : "null";
        return "{\"event\":" + event + ",\"job\":" + job + "}";
    };
}
