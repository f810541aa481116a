package dev.progresshub.ingest;

import static dev.progresshub.testsupport.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Events and crawler reports are taken on the event loop for a token this instance knows and on a worker
 * otherwise (a token seen for the first time, a large body, another media type): a client cannot tell which,
 * a retry is replayed whichever path took the first try, and every refusal is the same problem answer.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class EventsRouteTest {

    private static final String ITEM = "{\"type\":\"item_complete\",\"item\":\"a\",\"worker\":\"w\",\"seq\":1}";

    @Test
    void aRetryIsReplayedWhicheverPathTookTheFirstTry() {
        String project = Api.uniqueProject();
        String job = Api.uniqueJob();
        // a fresh token: its first request is looked up on a worker, the retry finds it known
        String token = Api.token(project, "ingest", "read");
        String first = as(token).contentType(ContentType.JSON).header("Idempotency-Key", "k1").body(ITEM)
                .post("/api/jobs/{id}/events", job).then().statusCode(200).extract().asString();
        String retry = as(token).contentType(ContentType.JSON).header("Idempotency-Key", "k1").body(ITEM)
                .post("/api/jobs/{id}/events", job).then().statusCode(200).extract().asString();

        assertEquals(first, retry, "the retry replays the first answer");
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(1));
        // the same key with another query string is another request, on either path
        as(token).contentType(ContentType.JSON).header("Idempotency-Key", "k1").body(ITEM)
                .queryParam("project", project).post("/api/jobs/{id}/events", job)
                .then().statusCode(422).contentType("application/problem+json");
    }

    @Test
    void aKnownTokenWithoutTheIngestScopeIsRefusedAndNothingIsStored() {
        String project = Api.uniqueProject();
        String job = Api.uniqueJob();
        String reader = Api.token(project, "read");
        as(reader).get("/api/jobs").then().statusCode(200);

        as(reader).contentType(ContentType.JSON).body(ITEM).post("/api/jobs/{id}/events", job)
                .then().statusCode(403).contentType("application/problem+json");
        as(reader).get("/api/jobs/{id}", job).then().statusCode(404);
    }

    @Test
    void badEventsFromAKnownTokenGetTheProblemAnswerAndChangeNothing() {
        String project = Api.uniqueProject();
        String job = Api.uniqueJob();
        String token = Api.token(project, "ingest", "read");
        Api.send(token, job, "{\"type\":\"job_start\"}");
        int version = as(token).get("/api/jobs/{id}", job).then().extract().path("version");

        as(token).contentType(ContentType.JSON).body("{\"type\":\"item_complete\",\"current\":\"many\"}")
                .post("/api/jobs/{id}/events", job).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("current"));
        as(token).contentType(ContentType.JSON).body("[" + ITEM + ",").post("/api/jobs/{id}/events", job)
                .then().statusCode(400).contentType("application/problem+json");
        as(token).contentType(ContentType.TEXT).body(ITEM).post("/api/jobs/{id}/events", job)
                .then().statusCode(415);
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(0), "version", equalTo(version));
    }

    @Test
    void aLargeBatchIsTakenOnAWorkerWithTheSameAnswer() {
        String project = Api.uniqueProject();
        String job = Api.uniqueJob();
        String token = Api.token(project, "ingest", "read");
        Api.send(token, job, "{\"type\":\"job_start\"}");
        String padding = "x".repeat(300);
        String batch = IntStream.rangeClosed(1, 400)
                .mapToObj(i -> "{\"type\":\"item_complete\",\"item\":\"i" + i + "\",\"worker\":\"w\",\"seq\":" + i
                        + ",\"message\":\"" + padding + "\"}")
                .collect(Collectors.joining(",", "[", "]"));

        as(token).contentType(ContentType.JSON).body(batch).post("/api/jobs/{id}/events", job)
                .then().statusCode(200).body("accepted", equalTo(400), "duplicates", equalTo(0));
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(400));
    }

    @Test
    void aCrawlerReportRetriedWithItsUpdateIdCountsOnceWhicheverPathTookTheFirstTry() {
        String project = Api.uniqueProject();
        String task = Api.uniqueJob();
        // a fresh token: its first report is looked up on a worker, the retry finds it known
        String token = Api.token(project, "ingest", "read");
        String report = "{\"taskId\":\"" + task + "\",\"status\":\"processing\",\"processedItems\":7,"
                + "\"totalItems\":10,\"updateId\":\"u1\"}";
        String first = as(token).contentType(ContentType.JSON).body(report).post("/api/internal/jobs/progress")
                .then().statusCode(200).extract().asString();
        String retry = as(token).contentType(ContentType.JSON).body(report).post("/api/internal/jobs/progress")
                .then().statusCode(200).extract().asString();

        assertEquals(first, retry, "the retry replays the first answer");
        as(token).get("/api/jobs/{id}", task).then().body("progress.current", equalTo(7));
        // the same updateId with another report is refused by name, and changes nothing
        as(token).contentType(ContentType.JSON).body(report.replace("\"processedItems\":7", "\"processedItems\":9"))
                .post("/api/internal/jobs/progress").then().statusCode(422)
                .contentType("application/problem+json").body("detail", containsString("updateId"));
        as(token).contentType(ContentType.JSON).body("{\"status\":\"processing\"}").post("/api/internal/jobs/progress")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("taskId"));
        as(token).get("/api/jobs/{id}", task).then().body("progress.current", equalTo(7));
    }
}
