package dev.progresshub.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal Server-Sent Events reader for tests: opens a stream, collects its messages and raw lines on a
 * background thread, and notes when the server ends it. Waiting is left to Awaitility in the tests.
 */
public final class SseClient implements AutoCloseable {

    /** One dispatched message: its id line (null if none) and its data lines joined by newlines. */
    public record Message(String id, String data) {
    }

    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final HttpResponse<java.io.InputStream> response;
    private final Thread reader;
    private volatile boolean ended;

    private SseClient(HttpResponse<java.io.InputStream> response) {
        this.response = response;
        this.reader = Thread.ofPlatform().daemon().name("sse-test-client").start(this::read);
    }

    /** Opens {@code url} (absolute) with a bearer token (null: none) and extra headers such as Last-Event-ID. */
    public static SseClient open(String url, String token, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofMinutes(5))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<java.io.InputStream> response = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new SseClient(response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** True once the server closed the stream. */
    public boolean ended() {
        return ended;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            List<String> data = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        messages.add(new Message(id, String.join("\n", data)));
                    }
                    id = null;
                    data = new ArrayList<>();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("data:")) {
                    data.add(line.substring(5).stripLeading());
                }
            }
        } catch (IOException e) {
            // closed by the test or the server: either way the stream is over
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
