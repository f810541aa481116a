package dev.progresshub.seeds;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** What the seed scenarios share: tokens made through the API, requests as a token, and an SSE reader. */
final class SeedSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private SeedSupport() {
    }

    /** A new token of its own project (unique per call, so scenarios never see each other's jobs). */
    static String token(String project, String... scopes) {
        return given().header("Authorization", "Bearer test-admin-token").contentType(ContentType.JSON)
                .body(Map.of("name", "seed " + project, "project", project, "scopes", List.of(scopes)))
                .when().post("/api/tokens")
                .then().statusCode(201).extract().path("token");
    }

    static String project(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An EventSource stand-in: collects the {@code data:} of each message until the server ends the stream. */
    static final class SseReader implements AutoCloseable {

        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        final List<String> ids = new CopyOnWriteArrayList<>();
        final CompletableFuture<HttpResponse<Stream<String>>> response;
        volatile boolean ended;
        private volatile Stream<String> lines;

        SseReader(URI uri) {
            response = HTTP.sendAsync(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            response.thenAcceptAsync(r -> {
                lines = r.body();
                lines.forEach(line -> {
                    if (line.startsWith("data:")) {
                        messages.add(json(line.substring(5).strip()));
                    } else if (line.startsWith("id:")) {
                        ids.add(line.substring(3).strip());
                    }
                });
                ended = true;
            });
        }

        @Override
        public void close() {
            response.cancel(true);
            if (lines != null) {
                lines.close();
            }
        }
    }
}
