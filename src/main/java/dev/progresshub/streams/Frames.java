package dev.progresshub.streams;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.buffer.Buffer;

/** The comment frames every stream writes, rendered once and shared by all of them. */
final class Frames {

    private final Buffer hello;
    private final Buffer keepalive = ascii(": keepalive\n\n");
    private final String retryLine;
    private final ConcurrentHashMap<String, Buffer> closings = new ConcurrentHashMap<>();

    Frames(long retryMillis) {
        this.retryLine = "retry: " + retryMillis + "\n";
        // a first comment flushes the headers at once and sets the client's reconnection delay
        this.hello = ascii(": connected\n" + retryLine + "\n");
    }

    Buffer hello() {
        return hello;
    }

    Buffer keepalive() {
        return keepalive;
    }

    /** A last comment ("closing", "token revoked") with the reconnection delay. */
    Buffer closing(String comment) {
        return closings.computeIfAbsent(comment, c -> ascii(": " + c + "\n" + retryLine + "\n"));
    }

    private static Buffer ascii(String text) {
        return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
    }
}
