package dev.progresshub.streams;

import java.util.List;

/**
 * How a new stream begins, read from the database before it starts: its first messages, whether the job
 * is already over (the stream ends after them), or nothing at all (204: a finished job, nothing missed,
 * so EventSource stops reconnecting).
 */
record StreamStart(List<SseMessage> messages, boolean jobFinished, boolean noContent) {

    static StreamStart of(List<SseMessage> messages, boolean jobFinished) {
        return new StreamStart(messages, jobFinished, false);
    }

    static StreamStart nothingMore() {
        return new StreamStart(List.of(), true, true);
    }
}
