package dev.progresshub.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.ApiClient;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.SseClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/** Server-Sent Events: first snapshot, live events, Last-Event-ID replay (StreamApiIT runs it natively). */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class StreamApiTest {

    private final ApiClient api = ApiClient.current();

    private static String url(String path) {
        return "http://localhost:" + RestAssured.port + path;
    }

    @Test
    void aStreamStartsWithASnapshotThenCarriesEachEventWithTheJob() {
        String id = api.createJob("Streamed job", Map.of("total", 10));
        try (SseClient stream = SseClient.open(url("/api/jobs/" + id + "/stream"), ApiClient.bearer(Api.ADMIN_TOKEN))) {
            assertEquals(200, stream.status());
            assertEquals("no-cache", stream.response().headers().firstValue("Cache-Control").orElse(null));
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.messages().size() == 1);
            assertEquals("snapshot", JsonPath.from(stream.messages().getFirst().data()).getString("event.type"));

            api.send(id, "{\"type\":\"job_progress\",\"current\":3}");
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.messages().size() == 2);
            JsonPath live = JsonPath.from(stream.messages().get(1).data());
            assertEquals("job_progress", live.getString("event.type"));
            assertEquals(3, live.getInt("job.progress.current"));
            assertEquals(live.getString("event.id"), stream.messages().get(1).id());
            assertTrue(stream.retry() != null && stream.retry() > 0, "a retry: hint is set");

            api.send(id, "{\"type\":\"job_complete\"}");
            await().atMost(Duration.ofSeconds(10)).until(stream::ended);
        }
    }

    @Test
    void aReconnectWithLastEventIdReplaysWhatWasMissed() {
        String id = api.createJob("Replayed job", Map.of());
        api.send(id, "{\"type\":\"job_start\"}");
        String lastSeen = api.admin().get("/api/jobs/" + id).then().extract().path("lastEventId").toString();
        api.send(id, "[{\"type\":\"message\",\"message\":\"one\"},{\"type\":\"message\",\"message\":\"two\"}]");

        try (SseClient stream = SseClient.open(url("/api/jobs/" + id + "/stream"),
                ApiClient.bearer(Api.ADMIN_TOKEN, "Last-Event-ID", lastSeen))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.messages().size() == 2);
            List<String> replayed = stream.messages().stream()
                    .map(m -> JsonPath.from(m.data()).getString("event.message")).toList();
            assertEquals(List.of("one", "two"), replayed);
        }
    }

    @Test
    void browsersMayPassTheTokenInTheQuery() {
        String id = api.createJob("Browser job", Map.of());
        try (SseClient stream = SseClient.open(url("/api/jobs/" + id + "/stream?access_token=" + Api.ADMIN_TOKEN),
                Map.of())) {
            assertEquals(200, stream.status());
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.messages().size() == 1);
        }
        try (SseClient refused = SseClient.open(url("/api/jobs/" + id + "/stream?access_token=wrong"), Map.of())) {
            assertEquals(401, refused.status());
        }
    }
}
