package dev.progresshub.instances;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.ApiClient;
import dev.progresshub.testsupport.EmbeddedDatabase;
import dev.progresshub.testsupport.RawUpload;
import dev.progresshub.testsupport.ServiceProcess;
import dev.progresshub.testsupport.SseClient;

/**
 * CONTRACT section 1: a revocation reaches open connections on every instance within 5 s. Two instances of
 * the packaged service on one database: revoked on A, a stream and a log upload on B end, and B refuses the
 * token from then on. Also: a weak bootstrap admin token stops the service from starting.
 */
class RevocationIT {

    private static final Duration WITHIN = Duration.ofSeconds(5);

    private static EmbeddedDatabase db;
    private static ServiceProcess a;
    private static ServiceProcess b;

    @BeforeAll
    static void startTwoInstances() {
        db = EmbeddedDatabase.start();
        a = ServiceProcess.start("revocation-a", db.jdbcUrl());
        b = ServiceProcess.start("revocation-b", db.jdbcUrl());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] { a, b, db }) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort: the next resource must still be closed
            }
        }
    }

    @Test
    void revokedOnATheStreamOnBEndsWithTokenRevokedAndItsReconnectGets401() {
        String project = "p-" + System.nanoTime();
        String token = a.api().token(project, "read", "ingest");
        String id = "job-" + System.nanoTime();
        a.api().as(token).contentType("application/json").body("{\"type\":\"job_start\"}")
                .post("/api/jobs/" + id + "/events").then().statusCode(200);
        String url = b.baseUri() + "/api/jobs/" + id + "/stream";
        try (SseClient stream = SseClient.open(url, ApiClient.bearer(token))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.messages().size() == 1);

            a.api().admin().delete("/api/tokens/" + tokenId(token)).then().statusCode(204);

            await("B's stream ends").atMost(WITHIN).until(stream::ended);
            assertTrue(stream.comments().stream().anyMatch(c -> c.contains("token revoked")), stream.comments().toString());
        }
        try (SseClient reconnect = SseClient.open(url, ApiClient.bearer(token))) {
            assertEquals(401, reconnect.status());
        }
    }

    @Test
    void revokedOnATheLogUploadOnBEndsKeepingItsLines() {
        String project = "p-" + System.nanoTime();
        String token = a.api().token(project, "ingest", "read");
        String id = "job-" + System.nanoTime();
        a.api().as(token).contentType("application/json").body("{\"type\":\"job_start\",\"total\":10}")
                .post("/api/jobs/" + id + "/events").then().statusCode(200);
        URI bUri = URI.create(b.baseUri());
        try (RawUpload upload = RawUpload.open(bUri.getHost(), bUri.getPort(), id, token, Duration.ofSeconds(30))) {
            upload.send("PROGRESS: Processing artist 7/10: Seven\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(7)
                    .equals(a.api().as(token).get("/api/jobs/" + id).path("progress.current")));

            a.api().admin().delete("/api/tokens/" + tokenId(token)).then().statusCode(204);

            await("B's upload ends").atMost(WITHIN).until(upload::answered);
            RawUpload.Answer answer = upload.answer();
            assertEquals(401, answer.status(), answer.body());
        }
        a.api().admin().queryParam("project", project).get("/api/jobs/" + id).then()
                .body("progress.current", equalTo(7));
        b.api().as(token).get("/api/jobs/" + id).then().statusCode(401);
    }

    @Test
    void aWeakOrExampleBootstrapTokenStopsTheServiceFromStarting() throws InterruptedException {
        for (String weak : new String[] { "short-admin-token", "change-me-to-a-random-token-of-at-least-32-chars" }) {
            try (ServiceProcess refused = ServiceProcess.spawn("weak-admin", db.jdbcUrl(), weak)) {
                assertTrue(refused.waitForExit(Duration.ofSeconds(90)), "the service exits");
                assertTrue(refused.exitCode() != 0, "with a failure status");
                assertTrue(refused.logText().contains("PROGRESS_HUB_ADMIN_TOKEN is shorter than 32"), refused.logText());
            }
        }
    }

    private static String tokenId(String token) {
        return a.api().as(token).get("/api/me").then().statusCode(200).extract().path("tokenId");
    }

}
