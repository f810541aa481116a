package dev.progresshub.instances;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.ApiClient;
import dev.progresshub.testsupport.EmbeddedDatabase;
import dev.progresshub.testsupport.Resources;
import dev.progresshub.testsupport.ServiceProcess;
import dev.progresshub.testsupport.SseClient;
import io.restassured.path.json.JsonPath;

/**
 * Two instances of the packaged service on one database: what is written on A reaches B's streams and B's
 * poll cache through LISTEN/NOTIFY, and B catches up from the timeline after losing its LISTEN connection.
 */
class ClusterIT {

    private static EmbeddedDatabase db;
    private static ServiceProcess a;
    private static ServiceProcess b;

    @BeforeAll
    static void startTwoInstances() {
        db = EmbeddedDatabase.start();
        a = ServiceProcess.start("cluster-a", db.jdbcUrl());
        b = ServiceProcess.start("cluster-b", db.jdbcUrl());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        Resources.closeAll(a, b, db);
    }

    @Test
    void aStreamOpenedOnBReceivesAnEventIngestedOnAWithinASecond() {
        String id = a.api().createJob("Cluster stream", Map.of());
        try (SseClient stream = SseClient.open(b.baseUri() + "/api/jobs/" + id + "/stream",
                ApiClient.bearer(Api.ADMIN_TOKEN))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.messages().size() == 1);

            a.api().send(id, "{\"type\":\"job_progress\",\"current\":7,\"phase\":\"from A\"}");

            await("event from A on B's stream").atMost(Duration.ofSeconds(1))
                    .until(() -> stream.messages().size() == 2);
            JsonPath message = JsonPath.from(stream.messages().get(1).data());
            assertEquals("job_progress", message.getString("event.type"));
            assertEquals("from A", message.getString("job.progress.phase"));
        }
    }

    @Test
    void bsPollCacheServesAsWriteAndNeverAnOlderVersionAfterIt() {
        String id = a.api().createJob("Cluster poll", Map.of());
        String etag = b.api().admin().get("/api/jobs/" + id).then().statusCode(200).extract().header("ETag");
        b.api().admin().header("If-None-Match", etag).get("/api/jobs/" + id).then().statusCode(304);

        long written = a.api().send(id, "{\"type\":\"job_progress\",\"current\":11}");

        await("A's version on B").atMost(Duration.ofSeconds(1)).until(() -> version(b, id) >= written);
        for (int i = 0; i < 20; i++) {
            assertTrue(version(b, id) >= written, "B went back to an older snapshot");
        }
        b.api().admin().header("If-None-Match", etag).get("/api/jobs/" + id).then().statusCode(200);
    }

    @Test
    void aJobDeletedOnAIsGoneOnB() {
        String id = a.api().createJob("Cluster delete", Map.of());
        b.api().admin().get("/api/jobs/" + id).then().statusCode(200);

        a.api().admin().delete("/api/jobs/" + id).then().statusCode(204);

        await().atMost(Duration.ofSeconds(1))
                .until(() -> b.api().admin().get("/api/jobs/" + id).statusCode() == 404);
    }

    @Test
    void afterLosingItsListenConnectionBCatchesUpFromTheTimeline() throws Exception {
        String id = a.api().createJob("Cluster catch-up", Map.of());
        try (SseClient stream = SseClient.open(b.baseUri() + "/api/jobs/" + id + "/stream",
                ApiClient.bearer(Api.ADMIN_TOKEN))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.messages().size() == 1);

            // cut every LISTEN connection; notifications sent until they are back are lost for good
            try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
                statement.execute("select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'listen%'");
            }
            long written = a.api().send(id, "{\"type\":\"message\",\"message\":\"while B was deaf\"}");

            await("B's stream after catch-up").atMost(Duration.ofSeconds(15))
                    .until(() -> stream.messages().size() == 2);
            assertEquals("while B was deaf",
                    JsonPath.from(stream.messages().get(1).data()).getString("event.message"));
            await().atMost(Duration.ofSeconds(5)).until(() -> version(b, id) >= written);
        }
    }

    @Test
    void twoInstancesWritingOneHotJobCountEveryAcknowledgedEventOnce() throws Exception {
        String id = a.api().createJob("Cluster hot job", Map.of());
        int workersPerInstance = 4;
        int requestsPerWorker = 25;
        List<Future<Long>> acknowledged = new ArrayList<>();
        ExecutorService workers = Executors.newFixedThreadPool(2 * workersPerInstance);
        try {
            for (int w = 0; w < 2 * workersPerInstance; w++) {
                ServiceProcess instance = w % 2 == 0 ? a : b;
                String worker = "w" + w;
                acknowledged.add(workers.submit(() -> {
                    long applied = 0;
                    for (int seq = 1; seq <= requestsPerWorker; seq++) {
                        applied += instance.api().admin().contentType("application/json")
                                .body("{\"type\":\"item_complete\",\"item\":\"" + worker + "-" + seq
                                        + "\",\"worker\":\"" + worker + "\",\"seq\":" + seq + "}")
                                .post("/api/jobs/" + id + "/events")
                                .then().statusCode(200).extract().<Integer>path("accepted");
                    }
                    return applied;
                }));
            }
            long total = 0;
            for (Future<Long> worker : acknowledged) {
                total += worker.get();
            }
            assertEquals(2L * workersPerInstance * requestsPerWorker, total);
            long expected = total;
            for (ServiceProcess instance : new ServiceProcess[] { a, b }) {
                await().atMost(Duration.ofSeconds(10)).until(() -> progress(instance, id) == expected);
            }
        } finally {
            workers.shutdown();
        }
    }

    private static long progress(ServiceProcess instance, String id) {
        Number current = instance.api().admin().get("/api/jobs/" + id).then().statusCode(200).extract()
                .path("progress.current");
        return current.longValue();
    }

    private static long version(ServiceProcess instance, String id) {
        Number version = instance.api().admin().get("/api/jobs/" + id).then().statusCode(200).extract().path("version");
        return version.longValue();
    }
}
