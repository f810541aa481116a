package dev.progresshub.scheduler;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.ApiClient;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Stall detection against a real database, with the sweep called directly at a chosen time. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class StallDetectorTest {

    private final ApiClient api = ApiClient.current();

    @Inject
    StallDetector detector;

    @Inject
    Clock clock;

    @Test
    void aSilentRunningJobStallsThenRunsAgainOnItsNextReport() {
        String id = startedJob();
        detector.sweep(clock.instant().plusSeconds(6));

        api.admin().get("/api/jobs/" + id).then().statusCode(200).body("status", equalTo("stalled"));
        assertEquals("job_stalled", lastEventType(id));

        api.send(id, "{\"type\":\"heartbeat\"}");
        api.admin().get("/api/jobs/" + id).then().body("status", equalTo("running"));
    }

    @Test
    void aJobThatReportedWithinItsHeartbeatIsLeftAlone() {
        String id = startedJob();
        detector.sweep(clock.instant().plusSeconds(3));
        api.admin().get("/api/jobs/" + id).then().body("status", equalTo("running"));
    }

    @Test
    void aCancelTheWorkerNeverConfirmsBecomesCancelled() {
        String id = startedJob();
        api.admin().post("/api/jobs/" + id + "/cancel").then().statusCode(200)
                .body("requestedState", equalTo("cancelled"), "status", equalTo("running"));

        detector.sweep(clock.instant().plusSeconds(6));

        api.admin().get("/api/jobs/" + id).then()
                .body("status", equalTo("cancelled"), "requestedState", nullValue(), "finishedAt", notNullValue());
    }

    @Test
    void sweepsRunningAtOnceStallAJobOnce() {
        String id = startedJob();
        Instant later = clock.instant().plusSeconds(6);
        CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> detector.sweep(later)),
                CompletableFuture.runAsync(() -> detector.sweep(later)),
                CompletableFuture.runAsync(() -> detector.sweep(later))).join();

        List<String> types = api.admin().get("/api/jobs/" + id + "/events").then().extract().path("items.type");
        assertEquals(1, types.stream().filter("job_stalled"::equals).count());
    }

    private String startedJob() {
        String id = api.createJob("Quiet worker", Map.of("heartbeatSeconds", 5));
        api.send(id, "{\"type\":\"job_start\"}");
        return id;
    }

    private String lastEventType(String id) {
        List<String> types = api.admin().get("/api/jobs/" + id + "/events").then().extract().path("items.type");
        return types.getLast();
    }
}
