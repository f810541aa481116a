package dev.progresshub.security;

import static dev.progresshub.testsupport.Api.admin;
import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.send;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.ApiClient;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.RawUpload;
import dev.progresshub.testsupport.SseClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** CONTRACT section 1: stream tickets (single use, 60 s, the caller's rights) and share links (one job, read). */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class StreamTicketAndShareLinkTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    EntityManager entityManager;

    String project;
    String job;
    String reader;

    @BeforeEach
    void setUp() {
        project = Api.uniqueProject();
        job = Api.uniqueJob();
        send(Api.token(project, "ingest"), job, "{\"type\":\"job_start\",\"total\":10}");
        reader = Api.token(project, "read");
    }

    @Test
    void aTicketOpensOneStreamOnceWithTheCallersRights() {
        ExtractableResponse<Response> issued = as(reader).post("/api/stream-tickets").then().statusCode(201)
                .body("ticket", startsWith("pht_")).extract();
        Instant expiresAt = Instant.parse(issued.path("expiresAt"));
        assertTrue(expiresAt.isAfter(Instant.now().plusSeconds(50)) && expiresAt.isBefore(Instant.now().plusSeconds(61)),
                "valid 60 s: " + expiresAt);
        String ticket = issued.path("ticket");

        try (SseClient stream = SseClient.open(url("api/stream?ticket=" + ticket), Map.of())) {
            assertEquals(200, stream.status());
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.messages().stream()
                    .anyMatch(m -> m.data().contains("\"id\":\"" + job + "\"")));
        }
        try (SseClient again = SseClient.open(url("api/stream?ticket=" + ticket), Map.of())) {
            assertEquals(401, again.status(), "a ticket is single-use");
        }
        // the caller's rights: a project token's ticket sees its project only
        String stranger = Api.token(Api.uniqueProject(), "read");
        String strangerTicket = as(stranger).post("/api/stream-tickets").then().statusCode(201).extract().path("ticket");
        try (SseClient other = SseClient.open(url("api/jobs/" + job + "/stream?project=" + project + "&ticket="
                + strangerTicket), Map.of())) {
            assertEquals(404, other.status());
        }
    }

    @Test
    void aTicketIsNoCredentialAnywhereButAGetStream() {
        String ticket = as(reader).post("/api/stream-tickets").then().statusCode(201).extract().path("ticket");
        RestAssured.given().queryParam("ticket", ticket).get("/api/jobs/{id}", job).then().statusCode(401);
        RestAssured.given().queryParam("access_token", reader).get("/api/jobs/{id}", job).then().statusCode(401);
        as(ticket).get("/api/jobs/{id}", job).then().statusCode(401);
        // the refusals did not spend it
        try (SseClient stream = SseClient.open(url("api/jobs/" + job + "/stream?ticket=" + ticket), Map.of())) {
            assertEquals(200, stream.status());
        }
    }

    @Test
    void anExpiredTicketOrOneOfARevokedTokenOpensNothing() {
        String expired = "pht_" + "e".repeat(43);
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                "insert into stream_ticket (ticket_hash, token_id, expires_at) values (encode(sha256(cast(?1 as bytea)), 'hex'), 'bootstrap-admin', now() - interval '1 second')")
                .setParameter(1, expired).executeUpdate());
        try (SseClient stream = SseClient.open(url("api/stream?ticket=" + expired), Map.of())) {
            assertEquals(401, stream.status());
        }

        String doomed = Api.token(project, "read");
        String ticket = as(doomed).post("/api/stream-tickets").then().statusCode(201).extract().path("ticket");
        admin().delete("/api/tokens/{id}", tokenId(doomed)).then().statusCode(204);
        try (SseClient stream = SseClient.open(url("api/stream?ticket=" + ticket), Map.of())) {
            assertEquals(401, stream.status(), "the ticket's token was revoked after it was issued");
        }
    }

    @Test
    void aTicketNeedsTheReadScope() {
        as(Api.token(project, "ingest")).post("/api/stream-tickets").then().statusCode(403);
        RestAssured.given().post("/api/stream-tickets").then().statusCode(401);
    }

    @Test
    void aShareLinkReadsItsOneJobAndNothingElse() {
        ExtractableResponse<Response> created = as(reader).contentType(ContentType.JSON).body("{}")
                .post("/api/jobs/{id}/links", job).then().statusCode(201).extract();
        String link = created.path("token");
        String url = created.path("url");
        assertTrue(url.contains("#token=" + link), url);
        Instant expiresAt = Instant.parse(created.path("expiresAt"));
        assertTrue(Duration.between(Instant.now(), expiresAt).compareTo(Duration.ofHours(23)) > 0
                && Duration.between(Instant.now(), expiresAt).compareTo(Duration.ofDays(1)) <= 0, "a day by default");

        as(link).get("/api/jobs/{id}", job).then().statusCode(200).body("id", equalTo(job));
        as(link).get("/api/jobs/{id}/events", job).then().statusCode(200);
        as(link).accept("text/csv").get("/api/jobs/{id}/events", job).then().statusCode(200)
                .body(containsString("job_start"));
        try (SseClient stream = SseClient.open(url("api/jobs/" + job + "/stream"), ApiClient.bearer(link))) {
            assertEquals(200, stream.status());
            await().atMost(Duration.ofSeconds(10)).until(() -> !stream.messages().isEmpty());
        }
        as(link).get("/api/me").then().statusCode(200).body("job", equalTo(job));

        String sibling = Api.uniqueJob();
        send(Api.token(project, "ingest"), sibling, "{\"type\":\"job_start\"}");
        as(link).get("/api/jobs/{id}", sibling).then().statusCode(404);
        as(link).get("/api/jobs/{id}/events", sibling).then().statusCode(404);
        as(link).accept("application/x-ndjson").get("/api/jobs/{id}/events", sibling).then().statusCode(404)
                .contentType("application/problem+json");
        RestAssured.given().accept("application/x-ndjson").get("/api/jobs/{id}/events", job).then().statusCode(401);
        as(link).get("/api/jobs").then().statusCode(403).body("detail", containsString("share link"));
        as(link).get("/api/stream").then().statusCode(403);
        as(link).post("/api/jobs/{id}/pause", job).then().statusCode(403);
        as(link).contentType(ContentType.JSON).body("{\"type\":\"message\",\"message\":\"m\"}")
                .post("/api/jobs/{id}/events", job).then().statusCode(403);
        as(link).contentType(ContentType.JSON).body("{}").post("/api/jobs/{id}/links", job).then().statusCode(403);
        as(link).get("/api/tokens").then().statusCode(403);
        try (RawUpload upload = RawUpload.open("localhost", root.getPort(), job, link, Duration.ofSeconds(30))) {
            RawUpload.Answer answer = upload.send("PROGRESS: Processing artist 5/10: X\n").finish().answer();
            assertEquals(403, answer.status(), answer.body());
        }
        as(reader).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(0));
    }

    @Test
    void aRevokedShareLinkIsRefusedAndOnlyItsJobsLinksCanBeRevokedThere() {
        String linkId = as(reader).contentType(ContentType.JSON).body("{\"expiresInSeconds\":3600}")
                .post("/api/jobs/{id}/links", job).then().statusCode(201).extract().path("id");
        String link = as(reader).contentType(ContentType.JSON).body("{}")
                .post("/api/jobs/{id}/links", job).then().statusCode(201).extract().path("token");
        String sibling = Api.uniqueJob();
        send(Api.token(project, "ingest"), sibling, "{\"type\":\"job_start\"}");
        as(reader).delete("/api/jobs/{id}/links/{link}", sibling, linkId).then().statusCode(404);
        as(Api.token(Api.uniqueProject(), "read")).delete("/api/jobs/{id}/links/{link}", job, linkId).then()
                .statusCode(404);

        as(link).get("/api/jobs/{id}", job).then().statusCode(200);
        as(reader).delete("/api/jobs/{id}/links/{link}", job, tokenId(link)).then().statusCode(204);
        as(link).get("/api/jobs/{id}", job).then().statusCode(401);
        as(reader).delete("/api/jobs/{id}/links/{link}", job, linkId).then().statusCode(204);
    }

    @Test
    void aShareLinkLivesAtMostThirtyDaysAndOnlyForAJobOfTheProject() {
        as(reader).contentType(ContentType.JSON).body("{\"expiresInSeconds\":2592001}")
                .post("/api/jobs/{id}/links", job).then().statusCode(400)
                .body("errors[0].field", equalTo("expiresInSeconds"));
        as(reader).contentType(ContentType.JSON).body("{\"expiresInSeconds\":0}")
                .post("/api/jobs/{id}/links", job).then().statusCode(400);
        as(reader).contentType(ContentType.JSON).body("{\"expiresInSeconds\":2592000}")
                .post("/api/jobs/{id}/links", job).then().statusCode(201);
        as(Api.token(Api.uniqueProject(), "read")).contentType(ContentType.JSON).body("{}")
                .post("/api/jobs/{id}/links", job).then().statusCode(404);
        as(Api.token(project, "ingest")).contentType(ContentType.JSON).body("{}")
                .post("/api/jobs/{id}/links", job).then().statusCode(403);
    }

    private String tokenId(String token) {
        return as(token).get("/api/me").then().statusCode(200).extract().path("tokenId");
    }

    private String url(String path) {
        return root + path;
    }
}
