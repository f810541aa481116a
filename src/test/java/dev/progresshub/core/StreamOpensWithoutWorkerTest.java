package dev.progresshub.core;

import static dev.progresshub.testsupport.Api.as;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.HeldCommitter;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.SseClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Dashboards keep opening streams while the database holds every worker thread: a new stream of a job whose
 * snapshot is in memory, or of a project whose global start is, from a token the instance knows, is opened on
 * the event loop with no database work (StreamRoutes). Here the job table is locked from outside and as many list requests as there are worker
 * threads wait on it; streams still open with the job's snapshot, and carry its events once the lock goes.
 * Taken the JAX-RS way, the stream would queue behind the blocked workers and this test would fail.
 */
@QuarkusTest
@TestProfile(StreamOpensWithoutWorkerTest.FewWorkerThreads.class)
@WithTestResource(PostgresTestResource.class)
class StreamOpensWithoutWorkerTest {

    private static final int WORKER_THREADS = 4;
    private static final Duration SOON = Duration.ofSeconds(20);

    /** A worker pool small enough to fill with blocked requests. */
    public static class FewWorkerThreads implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.thread-pool.max-threads", String.valueOf(WORKER_THREADS));
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aStreamOfAKnownJobOpensWhileEveryWorkerWaitsOnTheDatabase() throws Exception {
        String token = Api.token(Api.uniqueProject(), "ingest", "read");
        String job = Api.uniqueJob();
        as(token).contentType(ContentType.JSON).body("{\"id\":\"" + job + "\",\"name\":\"watched\"}")
                .post("/api/jobs").then().statusCode(201);
        Api.send(token, job, "{\"type\":\"job_start\",\"total\":10}");
        as(token).get("/api/jobs/{id}", job).then().statusCode(200); // the job's snapshot is in memory
        try (SseClient first = SseClient.open(base + "api/stream?access_token=" + token, Map.of())) {
            await().atMost(SOON).until(() -> first.messages().size() == 1); // and the project's global start
        }

        List<CompletableFuture<Integer>> blocked = new ArrayList<>();
        List<SseClient> streams = new ArrayList<>();
        SseClient global;
        try (Connection lock = dataSource.getConnection();
                ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("lock table job in access exclusive mode");
            }
            for (int i = 0; i < WORKER_THREADS; i++) {
                blocked.add(CompletableFuture.supplyAsync(() -> as(token).get("/api/jobs").statusCode(), clients));
            }
            await().atMost(SOON).until(() -> HeldCommitter.waitingOnLocks(dataSource) >= WORKER_THREADS);

            streams.add(SseClient.open(base + "api/jobs/" + job + "/stream", Map.of("Authorization", "Bearer " + token)));
            streams.add(SseClient.open(base + "api/jobs/" + job + "/stream?access_token=" + token, Map.of()));
            global = SseClient.open(base + "api/stream", Map.of("Authorization", "Bearer " + token));
            streams.add(global);
            for (SseClient stream : streams) {
                assertEquals(200, stream.status());
                await().atMost(SOON).until(() -> stream.messages().size() == 1);
                String snapshot = stream.messages().getFirst().data();
                assertTrue(snapshot.contains("\"type\":\"snapshot\"") && snapshot.contains("\"id\":\"" + job + "\"")
                        && snapshot.contains("\"status\":\"running\""), snapshot);
            }
            assertTrue(blocked.stream().noneMatch(CompletableFuture::isDone), "the workers were still held");
            lock.rollback();
            for (CompletableFuture<Integer> list : blocked) {
                assertEquals(200, list.get());
            }
        }

        Api.send(token, job, "{\"type\":\"job_progress\",\"current\":4}");
        Api.send(token, job, "{\"type\":\"job_complete\"}");
        for (SseClient stream : streams) {
            try (stream) {
                // a job's stream ends after the job's terminal event, the project's goes on
                await().atMost(SOON).until(() -> stream == global ? stream.messages().size() == 3 : stream.ended());
                List<SseClient.Message> messages = stream.messages();
                assertEquals(3, messages.size(), "snapshot, progress, complete: " + messages);
                assertTrue(messages.get(1).data().contains("\"current\":4"), messages.get(1).data());
                assertTrue(messages.get(2).data().contains("\"type\":\"job_complete\""), messages.get(2).data());
            }
        }
    }
}
