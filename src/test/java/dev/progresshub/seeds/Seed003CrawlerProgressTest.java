package dev.progresshub.seeds;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.uniqueProject;
import static dev.progresshub.testsupport.Api.token;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Seed 003: a GitLab crawler reports to {@code /api/internal/jobs/progress}; the service accumulates
 * (processedItems never back, itemsByType deltas add up, the timeline only appends), survives retries,
 * and tells the crawler when it should pause.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class Seed003CrawlerProgressTest {

    private ValidatableResponse report(String token, String json) {
        return as(token).contentType(ContentType.JSON).body(json).post("/api/internal/jobs/progress").then();
    }

    @Test
    void theDocumentedAccumulationExampleAndTheCrawlersLifecycle() {
        String project = uniqueProject();
        String crawler = token(project, "ingest", "read");
        String operator = token(project, "control");
        report(crawler, """
                {"taskId":"crawl-1","status":"started","totalItems":400,"stage":"discovery","operationType":"discovery",
                 "updateId":"u1"}""").statusCode(200).body("job.status", equalTo("running"));
        report(crawler, """
                {"taskId":"crawl-1","status":"processing","processedItems":100,"currentDataType":"issues",
                 "itemsByType":{"groups":5,"projects":20,"issues":75},"stage":"data_collection",
                 "lastProcessedId":"issue-9000","resumeState":{"cursor":"abc"},"updateId":"u2",
                 "timeline":[{"timestamp":"2025-01-06T19:15:30Z","event":"stage_change","details":{"to":"data_collection"}}]}""")
                .statusCode(200).body("accepted", equalTo(4));
        String third = """
                {"taskId":"crawl-1","status":"processing","processedItems":150,"itemsByType":{"issues":50},
                 "lastProcessedId":"issue-9912","updateId":"u3"}""";
        report(crawler, third).statusCode(200);
        // a retry of the same update (network hiccup) must not count twice
        report(crawler, third).statusCode(200);
        // a late, out-of-order update cannot move the count back
        report(crawler, """
                {"taskId":"crawl-1","status":"processing","processedItems":120,"updateId":"u2b"}""").statusCode(200);

        as(crawler).get("/api/jobs/crawl-1").then().statusCode(200)
                .body("progress.current", equalTo(150))
                .body("progress.total", equalTo(400))
                .body("progress.phase", equalTo("data_collection"))
                .body("itemsByType.groups", equalTo(5))
                .body("itemsByType.projects", equalTo(20))
                .body("itemsByType.issues", equalTo(125))
                .body("lastProcessedId", equalTo("issue-9912"))
                .body("resumeState.cursor", equalTo("abc"));

        report(crawler, """
                {"taskId":"crawl-1","status":"new_areas_discovered","discoveredAreas":{"groups":["g/a","g/b"]}}""")
                .statusCode(200);
        report(crawler, """
                {"taskId":"crawl-1","status":"credential_expiry","message":"token expires in 1h",
                 "credentialStatus":{"expiresAt":"2025-01-07T00:00:00Z"}}""").statusCode(200);
        as(crawler).get("/api/jobs/crawl-1/events?type=message").then()
                .body("items.data.kind", hasItems("timeline", "new_areas_discovered", "credential_expiry"))
                .body("items.find { it.data.kind == 'new_areas_discovered' }.data.discoveredAreas.groups[1]",
                        equalTo("g/b"))
                .body("items.find { it.data.kind == 'timeline' }.at", equalTo("2025-01-06T19:15:30Z"));

        // an operator pauses: the crawler learns it from its next report, and confirms
        as(operator).post("/api/jobs/crawl-1/pause").then().statusCode(200);
        report(crawler, """
                {"taskId":"crawl-1","status":"processing","processedItems":160}""")
                .body("job.requestedState", equalTo("paused"));
        report(crawler, """
                {"taskId":"crawl-1","status":"paused","lastProcessedId":"issue-9990"}""")
                .body("job.status", equalTo("paused"));
        report(crawler, """
                {"taskId":"crawl-1","status":"started","message":"resumed from issue-9990"}""")
                .body("job.status", equalTo("running"));
        report(crawler, """
                {"taskId":"crawl-1","status":"completed","processedItems":400,"message":"done"}""")
                .body("job.status", equalTo("completed"));
        report(crawler, """
                {"taskId":"crawl-1","status":"processing","processedItems":401}""").statusCode(409);
    }

    /**
     * As in seed 003, where every progress update is one timeline event with its details: the deltas and the last
     * processed id ride on the report's job_progress event, and are applied all the same. A resumeState (up to 64
     * KiB, more than an event's data may hold) keeps its checkpoint event.
     */
    @Test
    void aReportIsOneEntryOfTheTimeline() {
        String crawler = token(uniqueProject(), "ingest", "read");
        report(crawler, """
                {"taskId":"crawl-4","status":"processing","processedItems":10,"operationType":"crawl",
                 "itemsByType":{"issues":7,"commits":null},"lastProcessedId":"issue-10","updateId":"r1"}""")
                .statusCode(200).body("accepted", equalTo(3));
        as(crawler).get("/api/jobs/crawl-4/events").then().statusCode(200)
                .body("items.type", contains("job_progress"))
                .body("items[0].current", equalTo(10))
                .body("items[0].data.operationType", equalTo("crawl"))
                .body("items[0].data.itemsByType", equalTo(Map.of("issues", 7)))
                .body("items[0].data.lastProcessedId", equalTo("issue-10"));
        as(crawler).get("/api/jobs/crawl-4").then()
                .body("itemsByType.issues", equalTo(7))
                .body("lastProcessedId", equalTo("issue-10"));

        report(crawler, """
                {"taskId":"crawl-4","processedItems":20,"itemsByType":{"issues":3},"lastProcessedId":"issue-20",
                 "resumeState":{"cursor":"c20"}}""").statusCode(200);
        as(crawler).get("/api/jobs/crawl-4/events").then()
                .body("items.type", contains("job_progress", "job_progress", "checkpoint"))
                .body("items[1].data.itemsByType.issues", equalTo(3))
                .body("items[1].data.lastProcessedId", nullValue())
                .body("items[2].lastProcessedId", equalTo("issue-20"))
                .body("items[2].resumeState.cursor", equalTo("c20"));
        as(crawler).get("/api/jobs/crawl-4").then().body("itemsByType.issues", equalTo(10));

        // 150 types of 60 characters: more than the 8 KiB of an event's data, so the deltas keep their own event
        String manyTypes = IntStream.range(0, 150).mapToObj(i -> "\"%060d\":1".formatted(i))
                .collect(Collectors.joining(",", "{", "}"));
        report(crawler, "{\"taskId\":\"crawl-4\",\"processedItems\":30,\"itemsByType\":" + manyTypes + "}")
                .statusCode(200);
        as(crawler).get("/api/jobs/crawl-4/events?after=0&limit=10").then()
                .body("items.type", contains("job_progress", "job_progress", "checkpoint", "job_progress",
                        "items_discovered"))
                .body("items[3].data", nullValue());
    }

    @Test
    void retriesByIdempotencyKeyAndBadPayloads() {
        String crawler = token(uniqueProject(), "ingest", "read");
        String body = """
                {"taskId":"crawl-2","itemsByType":{"commits":10}}""";
        as(crawler).header("Idempotency-Key", "k1").contentType(ContentType.JSON).body(body)
                .post("/api/internal/jobs/progress").then().statusCode(200);
        as(crawler).header("Idempotency-Key", "k1").contentType(ContentType.JSON).body(body)
                .post("/api/internal/jobs/progress").then().statusCode(200);
        as(crawler).get("/api/jobs/crawl-2").then().body("itemsByType.commits", equalTo(10));

        report(crawler, "{\"taskId\":\"crawl-2\",\"updateId\":\"same\",\"processedItems\":1}").statusCode(200);
        report(crawler, "{\"taskId\":\"crawl-2\",\"updateId\":\"same\",\"processedItems\":2}").statusCode(422);
        report(crawler, "{\"status\":\"processing\"}").statusCode(400).body("errors[0].field", equalTo("taskId"));
        report(crawler, "{\"taskId\":\"crawl-2\",\"status\":\"exploding\"}").statusCode(400)
                .body("errors[0].field", equalTo("status"));
        report(crawler, "{\"taskId\":\"crawl-2\",\"processedItems\":-5}").statusCode(400)
                .body("errors[0].field", equalTo("processedItems"));
        report(crawler, "{\"taskId\":\"crawl-2\",\"itemsByType\":{\"issues\":\"many\"}}").statusCode(400);
    }

    @Test
    void aCrawlerThatRetriesEveryReportCountsEachDeltaOnce() {
        String crawler = token(uniqueProject(), "ingest", "read");
        for (int i = 1; i <= 40; i++) {
            String body = "{\"taskId\":\"crawl-3\",\"status\":\"processing\",\"processedItems\":" + i
                    + ",\"itemsByType\":{\"issues\":1},\"lastProcessedId\":\"i-" + i + "\",\"updateId\":\"u-" + i + "\"}";
            report(crawler, body).statusCode(200);
            report(crawler, body).statusCode(200); // the answer was lost, the crawler sends it again
        }
        as(crawler).get("/api/jobs/crawl-3").then()
                .body("itemsByType.issues", equalTo(40))
                .body("progress.current", equalTo(40))
                .body("lastProcessedId", equalTo("i-40"));
    }
}
