package dev.progresshub.security;

import static dev.progresshub.testsupport.Api.admin;
import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.send;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.RawUpload;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The streaming log upload's bounds (CONTRACT sections 1 and 8): it ends after the idle limit, when its
 * token is revoked or expires, keeping the lines it sent before; past its request budget it is read more
 * slowly, never refused. Each time the service goes on serving other tokens.
 */
@QuarkusTest
@TestProfile(TightBounds.class)
@WithTestResource(PostgresTestResource.class)
class LogUploadBoundsTest {

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL root;

    String project;
    String job;
    String uploader;

    @BeforeEach
    void setUp() {
        project = Api.uniqueProject();
        job = Api.uniqueJob();
        uploader = Api.token(project, "ingest", "read");
        send(uploader, job, "{\"type\":\"job_start\",\"total\":10}");
    }

    @Test
    void anUploadThatGoesQuietIsEndedAndItsLinesAreKept() {
        try (RawUpload upload = open(uploader)) {
            upload.send("PROGRESS: Processing artist 3/10: Three\n");
            RawUpload.Answer answer = upload.answer();
            assertEquals(408, answer.status(), answer.body());
            assertTrue(answer.body().contains("log-idle-timeout"), answer.body());
        }
        as(uploader).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(3));
        servesOthersNormally();
    }

    @Test
    void aRevokedTokensUploadEndsKeepingWhatItSentAndItCannotStartAnother() {
        try (RawUpload upload = open(uploader)) {
            upload.send("PROGRESS: Processing artist 4/10: Four\n");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> as(uploader).get("/api/jobs/{id}", job).<Integer>path("progress.current") == 4);
            String id = as(uploader).get("/api/me").path("tokenId");
            admin().delete("/api/tokens/{id}", id).then().statusCode(204);
            RawUpload.Answer answer = upload.answer();
            assertEquals(401, answer.status(), answer.body());
            assertTrue(answer.body().contains("revoked"), answer.body());
        }
        try (RawUpload again = open(uploader)) {
            assertEquals(401, again.send("PROGRESS: Processing artist 5/10: Five\n").finish().answer().status());
        }
        admin().queryParam("project", project).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(4));
        servesOthersNormally();
    }

    @Test
    void anUploadEndsWhenItsTokenExpires() {
        String shortLived = admin().contentType(ContentType.JSON)
                .body(Map.of("name", "short", "project", project, "scopes", List.of("ingest"),
                        "expiresAt", Instant.now().plusSeconds(3).toString()))
                .post("/api/tokens").then().statusCode(201).extract().path("token");
        try (RawUpload upload = open(shortLived)) {
            // a line every half second (under the 2 s idle limit), so only the expiry can end it
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
                try {
                    upload.send("PROGRESS: Processing artist 6/10: Six\n");
                } catch (UncheckedIOException closedByTheService) {
                    return true;
                }
                return upload.answered();
            });
            RawUpload.Answer answer = upload.answer();
            assertEquals(401, answer.status(), answer.body());
        }
        admin().queryParam("project", project).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(6));
        servesOthersNormally();
    }

    /** 2,000 lines cost 200 units of a 20-unit burst at 50/s: the upload is slowed, its token's other calls get 429. */
    @Test
    void anUploadPastItsBudgetIsReadMoreSlowlyNotRefused() {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 2000; i++) {
            lines.append("{\"type\":\"message\",\"message\":\"line ").append(i).append("\"}\n");
        }
        try (RawUpload upload = open(uploader)) {
            upload.send(lines.toString());
            await("the upload spends the token's budget").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> as(uploader).get("/api/jobs/{id}", job).statusCode() == 429);
            RawUpload.Answer answer = upload.finish().answer();
            assertEquals(200, answer.status(), answer.body());
            JsonPath tally = JsonPath.from(answer.body());
            assertEquals(2000, tally.getInt("lines"));
            assertEquals(2000, tally.getInt("events"));
        }
        servesOthersNormally();
    }

    private RawUpload open(String token) {
        return RawUpload.open(root.getHost(), root.getPort(), job, token, ANSWER_WITHIN);
    }

    private void servesOthersNormally() {
        String other = Api.token(project, "ingest");
        send(other, Api.uniqueJob(), "{\"type\":\"job_start\"}");
    }
}
