package dev.progresshub.streams;

/**
 * A route-opened stream whose start left memory between the route's check and the stream joining its loop
 * (a change came in between): the stream is abandoned and the request goes on to the worker path.
 */
final class StartNotInMemory extends RuntimeException {

    StartNotInMemory() {
        super(null, null, false, false);
    }
}
