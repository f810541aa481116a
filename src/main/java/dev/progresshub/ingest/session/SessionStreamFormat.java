package dev.progresshub.ingest.session;

import jakarta.enterprise.context.ApplicationScoped;


import dev.progresshub.config.JsonText;
import dev.progresshub.streams.SseMessage;
import dev.progresshub.streams.StreamFormat;

/**
 * Renders a session's stream messages as the seed-001 frontend parses them in {@code onmessage}: the
 * {@link SessionView} of the job after the message. A completing event is "complete", a failing or
 * cancelling one "error"; every other event, and the stream's first snapshot, follows the job's state.
 */
@ApplicationScoped
public class SessionStreamFormat implements StreamFormat {

    private final JsonText json;

    SessionStreamFormat(JsonText json) {
        this.json = json;
    }

    @Override
    public String data(SseMessage message) {
        var job = message.job().snapshot();
        String type = message.event() == null ? SessionView.typeOf(job) : switch (message.event().type()) {
            case "job_complete" -> "complete";
            case "job_fail", "job_cancel" -> "error";
            default -> "progress";
        };
        return json.of(SessionView.of(job, type));
    }
}
