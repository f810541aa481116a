package dev.progresshub.scheduler;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.progresshub.jobs.JobKey;
import dev.progresshub.jobs.JobLoader;
import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.ApiClient;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.SseClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Retention against a real database, with the sweep called directly at a chosen time. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class RetentionSweeperTest {

    private static final String FINISHED_JOB_EVENTS = """
            [{"type":"job_start"},
             {"type":"item_complete","item":"a"},{"type":"item_complete","item":"b"},
             {"type":"item_fail","item":"c","error":"timeout"},
             {"type":"message","message":"almost there"},
             {"type":"job_complete"}]""";

    private final ApiClient api = ApiClient.current();

    @Inject
    RetentionSweeper retention;

    @Inject
    JobLoader loader;

    @Inject
    Clock clock;

    @Test
    void itemEventsOfLongFinishedJobsArePrunedAndStreamsGetAResetInsteadOfAGappedReplay() {
        String id = api.createJob("Finished long ago", Map.of());
        api.send(id, FINISHED_JOB_EVENTS);
        long firstEventId = eventIds(id).getFirst();
        JsonPath before = api.admin().get("/api/jobs/" + id).then().extract().jsonPath();
        long lastEventId = before.getLong("lastEventId");

        RetentionSweeper.Swept swept = retention.sweep(clock.instant().plus(Duration.ofDays(7)).plusSeconds(60));

        assertTrue(swept.prunedEvents() >= 3, swept.toString());
        List<String> types = api.admin().get("/api/jobs/" + id + "/events").then().extract().path("items.type");
        assertEquals(List.of("job_start", "message", "job_complete"),
                types.stream().filter(type -> !type.equals("job_created")).toList());
        assertEquals(lastEventId, loader.prunedThrough(new JobKey("default", id)));
        // the snapshot keeps its counts: only the item-level history is gone
        api.admin().get("/api/jobs/" + id).then().body("version", equalTo(before.getInt("version")),
                "progress.current", equalTo(before.getInt("progress.current")), "errors.count", equalTo(1));

        try (SseClient stream = SseClient.open("http://localhost:" + RestAssured.port + "/api/jobs/" + id + "/stream",
                ApiClient.bearer(Api.ADMIN_TOKEN, "Last-Event-ID", Long.toString(firstEventId)))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !stream.messages().isEmpty());
            assertEquals("reset", JsonPath.from(stream.messages().getFirst().data()).getString("event.type"));
        }
    }

    @Test
    void recentlyFinishedAndRunningJobsKeepTheirWholeTimeline() {
        String finished = api.createJob("Finished just now", Map.of());
        api.send(finished, FINISHED_JOB_EVENTS);
        String running = api.createJob("Still running", Map.of());
        api.send(running, "[{\"type\":\"job_start\"},{\"type\":\"item_complete\",\"item\":\"a\"}]");

        int before = eventIds(finished).size() + eventIds(running).size();
        retention.sweep(clock.instant().plus(Duration.ofDays(1)));
        assertEquals(before, eventIds(finished).size() + eventIds(running).size());
    }

    @Test
    void idempotencyKeysAreForgottenAfterTheirReplayWindow() {
        String id = api.createJob("Keyed", Map.of());
        String key = "retention-key-" + id;
        postWithKey(id, key, 1).then().statusCode(200);
        postWithKey(id, key, 2).then().statusCode(422);

        retention.sweep(clock.instant().plus(Duration.ofHours(24)).plusSeconds(60));

        postWithKey(id, key, 2).then().statusCode(200).body("accepted", equalTo(1));
    }

    @Test
    void finishedSessionsAreDeletedAfterTheirRetentionOtherJobsStay() {
        String session = api.createJob("A seed-001 session", Map.of("labels", Map.of("source", "session")));
        api.send(session, "[{\"type\":\"job_start\"},{\"type\":\"job_complete\"}]");
        String openSession = api.createJob("An open session", Map.of("labels", Map.of("source", "session")));
        api.send(openSession, "{\"type\":\"job_start\"}");
        String other = api.createJob("Not a session", Map.of());
        api.send(other, "[{\"type\":\"job_start\"},{\"type\":\"job_complete\"}]");

        Instant later = clock.instant().plus(Duration.ofDays(1)).plusSeconds(60);
        assertTrue(retention.sweep(later).deletedSessions() >= 1);
        retention.sweep(later); // idempotent: a second sweep finds nothing more to do and fails nothing

        api.admin().get("/api/jobs/" + session).then().statusCode(404);
        api.admin().get("/api/jobs/" + openSession).then().statusCode(200);
        api.admin().get("/api/jobs/" + other).then().statusCode(200);
    }

    private io.restassured.response.Response postWithKey(String id, String key, int current) {
        return api.admin().header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"type\":\"job_progress\",\"current\":" + current + "}")
                .post("/api/jobs/" + id + "/events");
    }

    private List<Long> eventIds(String id) {
        List<Number> ids = api.admin().get("/api/jobs/" + id + "/events").then().statusCode(200)
                .extract().path("items.id");
        return ids.stream().map(Number::longValue).toList();
    }
}
