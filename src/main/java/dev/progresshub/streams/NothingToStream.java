package dev.progresshub.streams;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A finished job whose client has seen everything: answered 204, which tells EventSource to stop
 * reconnecting (an SSE response cannot change its status once the stream is chosen).
 */
final class NothingToStream extends RuntimeException {

    NothingToStream() {
        super(null, null, false, false);
    }

    static final class Mapper {
        @ServerExceptionMapper
        public Response noContent(NothingToStream e) {
            return Response.noContent().build();
        }
    }
}
