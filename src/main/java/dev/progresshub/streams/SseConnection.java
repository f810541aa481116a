package dev.progresshub.streams;

import jakarta.ws.rs.sse.SseEventSink;

import io.netty.channel.EventLoop;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.impl.ContextInternal;

/**
 * The connection a stream is written to: its Vert.x response (written directly, with buffers shared by
 * every client), the JAX-RS sink that keeps the request open and closes it, and the event loop that owns
 * the connection, the only thread that writes to it.
 */
record SseConnection(HttpServerResponse response, SseEventSink sink, EventLoop loop) {

    static SseConnection of(HttpServerRequest request, SseEventSink sink) {
        EventLoop loop = ((ContextInternal) ((HttpServerRequestInternal) request).context()).nettyEventLoop();
        return new SseConnection(request.response(), sink, loop);
    }
}
