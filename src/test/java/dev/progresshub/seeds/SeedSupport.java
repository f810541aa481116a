package dev.progresshub.seeds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.progresshub.testsupport.SseClient;

/** What the seed scenarios add to the shared test support: JSON reading and an EventSource stand-in. */
final class SeedSupport {

    static final ObjectMapper JSON = new ObjectMapper();

    private SeedSupport() {
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A browser's EventSource on a GET stream (the token in the query, as EventSource cannot send headers). */
    static SseClient eventSource(String url) {
        return SseClient.open(url, Map.of());
    }

    /** The data of every message received so far, parsed as the page's {@code JSON.parse(event.data)} would. */
    static List<JsonNode> data(SseClient stream) {
        return stream.messages().stream().map(message -> json(message.data())).toList();
    }
}
