package dev.progresshub.seeds;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.uniqueProject;
import static dev.progresshub.testsupport.Api.token;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.progresshub.testsupport.SseClient;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Seed 001: a chat UI starts an Instagram import, gets a session id and follows it with
 * {@code new EventSource('/api/progress/stream/' + id)}; its {@code onmessage} switches on {@code data.type}.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class Seed001SessionTest {

    @TestHTTPResource("/")
    String base;

    private String createSession(String token, String operation, int totalSteps) {
        return as(token).contentType(ContentType.JSON)
                .body(Map.of("operation", operation, "totalSteps", totalSteps))
                .post("/api/progress/sessions")
                .then().statusCode(201).extract().path("sessionId");
    }

    private void update(String token, String session, int step, String message) {
        as(token).contentType(ContentType.JSON).body(Map.of("step", step, "message", message, "details", "post"))
                .post("/api/progress/" + session).then().statusCode(200).body("job.requestedState", equalTo(null));
    }

    private SseClient stream(String token, String session) {
        return SeedSupport.eventSource(base + "api/progress/stream/" + session + "?access_token=" + token);
    }

    @Test
    void theImportFlowReachesTheFrontendAsProgressThenComplete() {
        String token = token(uniqueProject(), "ingest", "read");
        String session = createSession(token, "bulk_import", 100);
        try (SseClient browser = stream(token, session)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.messages().size() == 1);
            JsonNode first = SeedSupport.data(browser).getFirst();
            assertEquals("progress", first.get("type").asText());
            assertEquals("starting", first.get("status").asText());
            assertEquals(0.0, first.get("percentage").asDouble());

            update(token, session, 0, "🚀 Starting bulk import of @username...");
            update(token, session, 20, "📱 Found 20 posts, starting import...");
            update(token, session, 60, "📝 Imported 10 of 20 posts...");
            as(token).contentType(ContentType.JSON).body(Map.of("message", "✅ Successfully imported 20 posts!"))
                    .post("/api/progress/" + session + "/complete").then().statusCode(200);

            await().atMost(Duration.ofSeconds(10)).until(() -> browser.ended());
            List<String> types = SeedSupport.data(browser).stream().map(m -> m.get("type").asText()).toList();
            assertEquals("complete", types.getLast());
            JsonNode sixty = SeedSupport.data(browser).stream()
                    .filter(m -> m.get("message").asText().startsWith("📝")).findFirst().orElseThrow();
            assertEquals(60, sixty.get("step").asInt());
            assertEquals(100, sixty.get("totalSteps").asInt());
            assertEquals(60.0, sixty.get("percentage").asDouble());
            assertEquals("post", sixty.get("details").asText());
            assertEquals("running", sixty.get("status").asText());
            JsonNode done = SeedSupport.data(browser).getLast();
            assertEquals(100.0, done.get("percentage").asDouble());
            assertEquals("✅ Successfully imported 20 posts!", done.get("message").asText());
            assertEquals("completed", done.get("status").asText());
        }
        as(token).get("/api/progress/status/" + session).then().statusCode(200)
                .body("type", equalTo("complete")).body("percentage", equalTo(100.0f))
                .body("step", equalTo(100)).body("status", equalTo("completed"));
        // sessions are jobs, marked for their retention policy
        as(token).get("/api/jobs?label=source:session").then().body("items.id", hasItem(session));
    }

    @Test
    void anErrorEndsTheStreamWithAnErrorMessage() {
        String token = token(uniqueProject(), "ingest", "read");
        String session = createSession(token, "scrape", 10);
        try (SseClient browser = stream(token, session)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.messages().size() == 1);
            update(token, session, 3, "🔍 Scraping posts via Apify...");
            as(token).contentType(ContentType.JSON).body(Map.of("message", "user not found"))
                    .post("/api/progress/" + session + "/error").then().statusCode(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.ended());
            JsonNode last = SeedSupport.data(browser).getLast();
            assertEquals("error", last.get("type").asText());
            assertEquals("user not found", last.get("message").asText());
            assertEquals("error", last.get("status").asText());
        }
        as(token).contentType(ContentType.JSON).body(Map.of("step", 5)).post("/api/progress/" + session)
                .then().statusCode(409);
    }

    @Test
    void manyConcurrentSessionsEachSeeTheirOwnProgress() {
        String token = token(uniqueProject(), "ingest", "read");
        List<String> sessions = IntStream.range(0, 12).mapToObj(i -> createSession(token, "op" + i, 4)).toList();
        List<SseClient> browsers = new ArrayList<>();
        try {
            sessions.forEach(s -> browsers.add(stream(token, s)));
            await().atMost(Duration.ofSeconds(10)).until(() -> browsers.stream().allMatch(b -> b.messages().size() == 1));
            sessions.parallelStream().forEach(s -> {
                IntStream.rangeClosed(1, 3).forEach(step -> update(token, s, step, s + " step " + step));
                as(token).contentType(ContentType.JSON).body("{}").post("/api/progress/" + s + "/complete")
                        .then().statusCode(200);
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> browsers.stream().allMatch(b -> b.ended()));
            for (int i = 0; i < sessions.size(); i++) {
                String own = sessions.get(i);
                List<JsonNode> seen = SeedSupport.data(browsers.get(i));
                assertEquals("complete", seen.getLast().get("type").asText());
                seen.forEach(m -> assertEquals(own, m.get("sessionId").asText()));
            }
        } finally {
            browsers.forEach(SseClient::close);
        }
    }

    @Test
    void sessionEndpointsNeedTheirScopesAndKnownSessions() {
        String project = uniqueProject();
        String reader = token(project, "read");
        String writer = token(project, "ingest");
        as(reader).contentType(ContentType.JSON).body("{\"operation\":\"x\"}").post("/api/progress/sessions")
                .then().statusCode(403);
        as(writer).get("/api/progress/status/nope").then().statusCode(403);
        as(writer).contentType(ContentType.JSON).body("{\"step\":1}").post("/api/progress/nope")
                .then().statusCode(404).contentType("application/problem+json");
        as(reader).get("/api/progress/status/nope").then().statusCode(404);
    }
}
