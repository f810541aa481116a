package dev.progresshub.ingest;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.send;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.HeldCommitter;
import dev.progresshub.testsupport.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * CONTRACT section 8, the ingest queue: while the committer is held (on a row this test locks), requests wait
 * up to the bound; one more is answered 503 with Retry-After at once, and nothing of it is ever stored. The
 * waiting ones are all applied once the committer can go on, and another token is served normally.
 */
@QuarkusTest
@TestProfile(IngestQueueBoundTest.TwoWaiting.class)
@WithTestResource(PostgresTestResource.class)
class IngestQueueBoundTest {

    public static class TwoWaiting implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("progress-hub.limits.ingest-queue", "2", "progress-hub.ingest.committers", "1");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    @Test
    void pastTheQueueBoundTheAnswerIs503WithRetryAfterAndNothingIsStored() throws Exception {
        String project = Api.uniqueProject();
        String token = Api.token(project, "ingest", "read");
        String held = Api.uniqueJob();
        String job = Api.uniqueJob();
        send(token, held, "{\"type\":\"job_start\"}");
        send(token, job, "{\"type\":\"job_start\"}");
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try (HeldCommitter lock = HeldCommitter.onJob(dataSource, project, held)) {
            Future<Response> first = clients.submit(() -> item(token, held, "held"));
            await().atMost(Duration.ofSeconds(30)).until(lock::committerWaits);
            List<Future<Response>> waiting = new ArrayList<>();
            waiting.add(clients.submit(() -> item(token, job, "a")));
            waiting.add(clients.submit(() -> item(token, job, "b")));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> registry.get("progresshub.ingest.queue.depth").gauge().value() == 2);

            item(token, job, "refused").then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", equalTo("1"))
                    .body("detail", containsString("progress-hub.limits.ingest-queue"));

            lock.release();
            assertEquals(200, first.get().statusCode());
            for (Future<Response> answer : waiting) {
                assertEquals(200, answer.get().statusCode());
            }
        } finally {
            clients.shutdown();
        }
        as(token).get("/api/jobs/{id}/events?type=item_complete", job).then()
                .body("items.size()", equalTo(2), "items.item", org.hamcrest.Matchers.not(
                        org.hamcrest.Matchers.hasItem("refused")));
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(2));
        String other = Api.token(Api.uniqueProject(), "ingest", "read");
        item(other, Api.uniqueJob(), "served").then().statusCode(200).body("accepted", equalTo(1));
    }

    private static Response item(String token, String job, String item) {
        return as(token).contentType(ContentType.JSON)
                .body("{\"type\":\"item_complete\",\"item\":\"" + item + "\"}").post("/api/jobs/{id}/events", job);
    }
}
