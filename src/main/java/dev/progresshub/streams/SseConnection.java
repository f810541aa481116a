package dev.progresshub.streams;

import jakarta.ws.rs.sse.SseEventSink;

import io.netty.channel.EventLoop;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.impl.ContextInternal;

/**
 * The connection a stream is written to: its Vert.x response (written directly, with buffers shared by
 * every client), how the stream ends (the JAX-RS sink that keeps the request open, or the response itself
 * for a stream opened by {@link StreamRoutes}) and the event loop that owns the connection, the only
 * thread that writes to it.
 */
record SseConnection(HttpServerResponse response, Runnable close, EventLoop loop) {

    /** A stream opened by a JAX-RS resource: its sink ends it. */
    static SseConnection of(HttpServerRequest request, SseEventSink sink) {
        return new SseConnection(request.response(), sink::close, loopOf(request));
    }

    /** A stream opened by a Vert.x route: it ends with its response. */
    static SseConnection of(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        return new SseConnection(response, () -> {
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        }, loopOf(request));
    }

    private static EventLoop loopOf(HttpServerRequest request) {
        return ((ContextInternal) ((HttpServerRequestInternal) request).context()).nettyEventLoop();
    }
}
