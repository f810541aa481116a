package dev.progresshub.core;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.send;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import jakarta.inject.Inject;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class PollTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SessionFactory sessionFactory;

    String token;
    String job;

    @BeforeEach
    void setUp() {
        token = Api.token(Api.uniqueProject(), "ingest", "read");
        job = Api.uniqueJob();
        send(token, job, "[{\"type\":\"job_start\",\"total\":10},{\"type\":\"item_complete\",\"item\":\"a\"}]");
    }

    @Test
    void anUnchangedJobAnswers304WithNoBody() {
        String etag = as(token).get("/api/jobs/{id}", job).then().statusCode(200).extract().header("ETag");
        as(token).header("If-None-Match", etag).get("/api/jobs/{id}", job)
                .then().statusCode(304).header("ETag", etag).body(emptyString());
    }

    @Test
    void anETagSentWithoutItsQuotesMatchesToo() {
        String etag = as(token).get("/api/jobs/{id}", job).then().statusCode(200).extract().header("ETag");
        as(token).header("If-None-Match", etag.replace("\"", "")).get("/api/jobs/{id}", job)
                .then().statusCode(304).header("ETag", etag);
    }

    @Test
    void aChangeGivesANewETagAndTheNewSnapshot() {
        String etag = as(token).get("/api/jobs/{id}", job).then().extract().header("ETag");
        send(token, job, "{\"type\":\"item_complete\",\"item\":\"b\"}");
        String newEtag = as(token).header("If-None-Match", etag).get("/api/jobs/{id}", job)
                .then().statusCode(200).body("progress.current", equalTo(2)).extract().header("ETag");
        assertNotEquals(etag, newEtag);
    }

    @Test
    void pollingAnUnchangedJobReadsNoDatabaseRow() {
        String etag = as(token).get("/api/jobs/{id}", job).then().statusCode(200).extract().header("ETag");
        long connectionsBefore = dataSource.getMetrics().acquireCount();
        long statementsBefore = sessionFactory.getStatistics().getPrepareStatementCount();

        for (int poll = 0; poll < 30; poll++) {
            as(token).header("If-None-Match", etag).get("/api/jobs/{id}", job).then().statusCode(304);
            as(token).get("/api/jobs/{id}", job).then().statusCode(200).body("progress.current", equalTo(1));
        }

        assertEquals(connectionsBefore, dataSource.getMetrics().acquireCount(), "database connections taken");
        assertEquals(statementsBefore, sessionFactory.getStatistics().getPrepareStatementCount(), "SQL statements");
    }

    @Test
    void recentEventsAreIncludedOnRequestWithTheirOwnTag() {
        String plain = as(token).get("/api/jobs/{id}", job).then().extract().header("ETag");
        String withEvents = as(token).queryParam("include", "recentEvents").get("/api/jobs/{id}", job)
                .then().statusCode(200)
                .body("recentEvents", hasSize(2), "recentEvents[1].type", equalTo("item_complete"),
                        "recentEvents[1].item", equalTo("a"))
                .extract().header("ETag");
        assertNotEquals(plain, withEvents);
        as(token).queryParam("include", "recentEvents").header("If-None-Match", withEvents)
                .get("/api/jobs/{id}", job).then().statusCode(304);
    }

    @Test
    void theListFiltersAndPagesWithACursor() {
        String project = Api.uniqueProject();
        String reader = Api.token(project, "ingest", "read");
        for (int i = 0; i < 5; i++) {
            send(reader, "list-" + i, "{\"type\":\"job_start\"}");
        }
        send(reader, "list-done", "[{\"type\":\"job_start\"},{\"type\":\"job_complete\"}]");

        String cursor = as(reader).queryParam("status", "running").queryParam("limit", 3).get("/api/jobs")
                .then().statusCode(200).body("items", hasSize(3), "nextCursor", not(emptyString()))
                .extract().path("nextCursor");
        as(reader).queryParam("status", "running").queryParam("limit", 3).queryParam("cursor", cursor)
                .get("/api/jobs")
                .then().statusCode(200).body("items", hasSize(2), "nextCursor", equalTo(null));
        as(reader).queryParam("status", "completed").get("/api/jobs")
                .then().body("items", hasSize(1), "items[0].id", equalTo("list-done"));
    }

    @Test
    void theListFiltersByLabelAndOperation() {
        String project = Api.uniqueProject();
        String reader = Api.token(project, "ingest", "read");
        as(reader).contentType("application/json")
                .body("{\"id\":\"labelled\",\"name\":\"L\",\"operation\":\"crawl\",\"labels\":{\"team\":\"data\"}}")
                .post("/api/jobs").then().statusCode(201);
        as(reader).contentType("application/json").body("{\"id\":\"other\",\"name\":\"O\",\"operation\":\"scrape\"}")
                .post("/api/jobs").then().statusCode(201);
        as(reader).queryParam("label", "team:data").get("/api/jobs")
                .then().body("items", hasSize(1), "items[0].id", equalTo("labelled"));
        as(reader).queryParam("operation", "scrape").get("/api/jobs")
                .then().body("items", hasSize(1), "items[0].id", equalTo("other"));
    }

    @Test
    void theTimelineIsPagedFilteredAndExported() {
        send(token, job, "[{\"type\":\"stage_start\",\"stage\":\"download\",\"total\":2},"
                + "{\"type\":\"file_complete\",\"stage\":\"download\",\"item\":\"a,\\\"b\\\".wav\"},"
                + "{\"type\":\"message\",\"message\":\"=cmd\"}]");
        as(token).queryParam("stage", "download").get("/api/jobs/{id}/events", job)
                .then().statusCode(200).body("items", hasSize(2), "items[1].type", equalTo("item_complete"));
        int firstPageLast = as(token).queryParam("limit", 2).get("/api/jobs/{id}/events", job)
                .then().body("items", hasSize(2)).extract().path("nextAfter");
        as(token).queryParam("after", firstPageLast).get("/api/jobs/{id}/events", job)
                .then().body("items", hasSize(3), "nextAfter", equalTo(null));

        String ndjson = as(token).accept("application/x-ndjson").get("/api/jobs/{id}/events", job)
                .then().statusCode(200).extract().asString();
        assertEquals(5, ndjson.lines().count());
        String csv = as(token).accept("text/csv").get("/api/jobs/{id}/events", job)
                .then().statusCode(200).extract().asString();
        assertEquals(6, csv.lines().count(), csv);
        assertEquals(true, csv.contains("\"a,\"\"b\"\".wav\""), "a cell with a comma and quotes is quoted");
        assertEquals(true, csv.contains(",'=cmd,"), "a formula-looking cell is defused");
    }
}
