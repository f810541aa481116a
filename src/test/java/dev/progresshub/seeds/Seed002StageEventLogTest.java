package dev.progresshub.seeds;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.uniqueProject;
import static dev.progresshub.testsupport.Api.token;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.progresshub.testsupport.SseClient;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Seed 002: a pipeline denoises 500 audio files; each file is an event, every 10 files a stage_progress
 * checkpoint, the stage ends with its final counts. The dashboard shows a card per stage, the 20 most
 * recent events, the event log by stage and type, all live over the global stream.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class Seed002StageEventLogTest {

    @TestHTTPResource("/")
    String base;

    private static void send(String token, String job, List<Map<String, Object>> events) {
        as(token).contentType(ContentType.JSON).body(events).post("/api/jobs/" + job + "/events")
                .then().statusCode(200);
    }

    /** Files from..to of the denoise stage, a checkpoint after every 10th; files in {@code failing} fail. */
    private static List<Map<String, Object>> files(int from, int to, List<Integer> failing, long[] handled) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            String file = String.format("audio%03d.wav", i);
            if (failing.contains(i)) {
                events.add(Map.of("type", "file_fail", "stage", "denoise", "item", file, "error", "GPU timeout",
                        "errorClass", "timeout"));
            } else {
                events.add(Map.of("type", "file_complete", "stage", "denoise", "item", file,
                        "data", Map.of("status", "success", "gpu", "10.0.0.7")));
                handled[0]++;
            }
            if (i % 10 == 0) {
                events.add(Map.of("type", "stage_progress", "stage", "denoise", "completed", handled[0], "total", 500));
            }
        }
        return events;
    }

    @Test
    void denoiseFiveHundredFilesAsTheDashboardSeesIt() {
        String token = token(uniqueProject(), "ingest", "read");
        String job = "batch-123";
        try (SseClient dashboard = SeedSupport.eventSource(base + "api/stream?job=" + job + "&access_token=" + token)) {
            as(token).contentType(ContentType.JSON)
                    .body(Map.of("id", job, "name", "Batch 123", "stages", List.of(Map.of("name", "denoise"))))
                    .post("/api/jobs").then().statusCode(201);
            send(token, job, List.of(Map.of("type", "stage_start", "stage", "denoise", "total", 500)));
            as(token).get("/api/jobs/" + job).then()
                    .body("stages[0].total", equalTo(500)).body("stages[0].completed", equalTo(0))
                    .body("stages[0].status", equalTo("running"));

            long[] handled = {0};
            List<Integer> failing = List.of(31, 57, 64, 88, 96);
            send(token, job, files(1, 105, failing, handled));
            // "At 10:01:40": 100 files processed, 5 errors
            as(token).get("/api/jobs/" + job).then()
                    .body("stages[0].completed", equalTo(100))
                    .body("stages[0].failed", equalTo(5))
                    .body("stages[0].percent", equalTo(21.0f))
                    .body("stages[0].status", equalTo("running"))
                    .body("errors.count", equalTo(5))
                    .body("errors.byClass.timeout", equalTo(5))
                    .body("errors.recent[-1].item", equalTo("audio096.wav"));

            send(token, job, files(106, 500, List.of(), handled));
            send(token, job, List.of(Map.of("type", "stage_complete", "stage", "denoise", "completed", 495,
                    "failed", 5)));
            as(token).get("/api/jobs/" + job + "?include=recentEvents").then()
                    .body("stages[0].status", equalTo("completed"))
                    .body("stages[0].completed", equalTo(495))
                    .body("stages[0].failed", equalTo(5))
                    .body("stages[0].percent", equalTo(100.0f))
                    .body("recentEvents", hasSize(20))
                    .body("recentEvents[-1].type", equalTo("stage_complete"));

            // the debugging queries of the seed: events of a stage, by type
            as(token).get("/api/jobs/" + job + "/events?stage=denoise&type=stage_progress&limit=500").then()
                    .body("items", hasSize(50)).body("items[9].completed", equalTo(95));
            as(token).get("/api/jobs/" + job + "/events?stage=denoise&type=item_fail").then()
                    .body("items", hasSize(5)).body("items.error", everyItem(equalTo("GPU timeout")));
            as(token).get("/api/jobs/" + job + "/events?type=item_complete&limit=1").then()
                    .body("items[0].item", equalTo("audio001.wav"))
                    .body("items[0].data.status", equalTo("success"));

            // the dashboard's global stream saw every event live, in order
            await().atMost(Duration.ofSeconds(20)).until(() -> SeedSupport.data(dashboard).stream()
                    .anyMatch(m -> "stage_complete".equals(m.at("/event/type").asText())));
            List<String> types = SeedSupport.data(dashboard).stream().map(m -> m.at("/event/type").asText()).toList();
            assertEquals("stage_start", types.get(types.indexOf("stage_start")));
            assertEquals(495, types.stream().filter("item_complete"::equals).count());
            JsonNode last = SeedSupport.data(dashboard).getLast();
            assertEquals(495, last.at("/job/stages/0/completed").asInt());
            assertTrue(types.indexOf("stage_start") < types.indexOf("item_complete"));
        }
    }
}
