package dev.progresshub.testsupport;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A real Server-Sent Events client over a real HTTP connection: it parses the stream into messages and
 * comments as they arrive, so tests can wait on them.
 */
public final class SseClient implements AutoCloseable {

    /** One dispatched SSE message. */
    public record Message(String id, String data, Long retry) {
    }

    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile boolean ended;
    private volatile Long retry;

    private SseClient(CompletableFuture<HttpResponse<Stream<String>>> response) {
        this.response = response;
        response.thenAccept(r -> {
            try (Stream<String> lines = r.body()) {
                parse(lines);
            } catch (UncheckedIOException closed) {
                // the client closed the connection
            } finally {
                ended = true;
            }
        });
    }

    public static SseClient open(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .header("Accept", "text/event-stream");
        headers.forEach(request::header);
        HttpClient client = HttpClient.newHttpClient();
        return new SseClient(client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()));
    }

    private void parse(Stream<String> lines) {
        String id = null;
        StringBuilder data = new StringBuilder();
        boolean hasData = false;
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.isEmpty()) {
                if (hasData) {
                    messages.add(new Message(id, data.toString(), retry));
                }
                id = null;
                data.setLength(0);
                hasData = false;
            } else if (line.startsWith(":")) {
                comments.add(line.substring(1).strip());
            } else if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("retry:")) {
                retry = Long.parseLong(line.substring(6).strip());
            } else if (line.startsWith("data:")) {
                if (hasData) {
                    data.append('\n');
                }
                data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                hasData = true;
            }
        }
    }

    public int status() {
        return response.join().statusCode();
    }

    public HttpResponse<Stream<String>> response() {
        return response.join();
    }

    public List<Message> messages() {
        return new ArrayList<>(messages);
    }

    public List<String> comments() {
        return new ArrayList<>(comments);
    }

    public Long retry() {
        return retry;
    }

    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        response.thenAccept(r -> {
            try {
                r.body().close();
            } catch (RuntimeException ignored) {
                // already closed
            }
        });
        response.cancel(true);
    }

}
