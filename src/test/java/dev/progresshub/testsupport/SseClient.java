package dev.progresshub.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real Server-Sent Events client over a real HTTP connection: it parses the stream into messages and
 * comments as they arrive, so tests can wait on them. Lines are pushed to it by the HTTP client, so no
 * thread blocks on a read and {@link #close()} never waits for the server.
 */
public final class SseClient implements AutoCloseable {

    /** One dispatched SSE message. */
    public record Message(String id, String data, Long retry) {
    }

    /** How long a test waits for the answer's head: a hung server fails the test instead of the build. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final String url;
    private final HttpClient http;
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
    private final LineParser lines = new LineParser();
    private volatile boolean ended;
    private volatile Long retry;

    private SseClient(String url, HttpClient http) {
        this.url = url;
        this.http = http;
    }

    public static SseClient open(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(ANSWER_TIMEOUT)
                .header("Accept", "text/event-stream");
        headers.forEach(request::header);
        SseClient client = new SseClient(url, HttpClient.newBuilder().connectTimeout(ANSWER_TIMEOUT).build());
        client.http.sendAsync(request.build(), info -> {
                    client.head.complete(info);
                    return BodySubscribers.fromLineSubscriber(client.lines);
                })
                // the whole exchange is over: the body ended or failed, or no answer came at all
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        client.head.completeExceptionally(failure);
                    }
                    client.ended = true;
                });
        return client;
    }

    public int status() {
        return response().statusCode();
    }

    /** The answer's status and headers (the body keeps arriving as messages). */
    public HttpResponse.ResponseInfo response() {
        try {
            return head.get(ANSWER_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the stream's answer", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no answer from " + url, e);
        }
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

    /** Drops the connection, also one still waiting for its answer, and the client's selector thread. */
    @Override
    public void close() {
        lines.cancel();
        http.shutdownNow();
    }

    /** Turns the pushed lines into messages, as a browser's EventSource does. */
    private final class LineParser implements Flow.Subscriber<String> {

        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;
        private String id;
        private final StringBuilder data = new StringBuilder();
        private boolean hasData;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (cancelled) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public void onNext(String line) {
            if (line.isEmpty()) {
                dispatch();
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

        private void dispatch() {
            if (hasData) {
                messages.add(new Message(id, data.toString(), retry));
            }
            id = null;
            data.setLength(0);
            hasData = false;
        }

        @Override
        public void onError(Throwable failure) {
            // the exchange's whenComplete records the end
        }

        @Override
        public void onComplete() {
            // the exchange's whenComplete records the end
        }
    }
}
