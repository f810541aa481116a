package dev.progresshub.core;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.send;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** A controller asks, the worker learns it from its next ingest answer and confirms. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ControlTest {

    String worker;
    String controller;
    String job;

    @BeforeEach
    void setUp() {
        String project = Api.uniqueProject();
        worker = Api.token(project, "ingest", "read");
        controller = Api.token(project, "control", "read");
        job = Api.uniqueJob();
        send(worker, job, "{\"type\":\"job_start\",\"total\":10}");
    }

    @Test
    void aPauseRequestReachesTheWorkerWhichConfirmsItAndResumes() {
        as(controller).post("/api/jobs/{id}/pause", job).then().statusCode(200)
                .body("requestedState", equalTo("paused"), "status", equalTo("running"));
        report("{\"type\":\"item_complete\",\"item\":\"a\"}").body("job.requestedState", equalTo("paused"));
        report("{\"type\":\"job_pause\"}").body("job.status", equalTo("paused"), "job.requestedState", nullValue());

        as(controller).post("/api/jobs/{id}/resume", job).then().statusCode(200);
        report("{\"type\":\"job_resume\"}").body("job.status", equalTo("running"));
        as(worker).queryParam("type", "pause_requested").get("/api/jobs/{id}/events", job)
                .then().body("items.size()", equalTo(1));
    }

    @Test
    void aCancelRequestEndsTheJobWhenTheWorkerConfirms() {
        as(controller).post("/api/jobs/{id}/cancel", job).then().statusCode(200)
                .body("requestedState", equalTo("cancelled"));
        report("{\"type\":\"job_cancel\",\"message\":\"stopping\"}").body("job.status", equalTo("cancelled"));
        as(controller).post("/api/jobs/{id}/pause", job).then().statusCode(409);
    }

    @Test
    void deletingAJobRemovesItAndItsTimeline() {
        as(controller).delete("/api/jobs/{id}", job).then().statusCode(204);
        as(worker).get("/api/jobs/{id}", job).then().statusCode(404);
        as(worker).get("/api/jobs/{id}/events", job).then().statusCode(404);
        as(controller).delete("/api/jobs/{id}", job).then().statusCode(404);
    }

    @Test
    void aJobCreatedAgainUnderADeletedJobsIdStartsWithAnEmptyTimeline() {
        send(worker, job, "{\"type\":\"item_complete\",\"item\":\"a\"}");
        as(controller).delete("/api/jobs/{id}", job).then().statusCode(204);

        send(worker, job, "{\"type\":\"job_start\",\"total\":3}");
        as(worker).get("/api/jobs/{id}/events", job).then().statusCode(200)
                .body("items.size()", equalTo(1), "items[0].type", equalTo("job_start"), "items[0].total", equalTo(3));
    }

    private io.restassured.response.ValidatableResponse report(String event) {
        return as(worker).contentType(ContentType.JSON).body(event).post("/api/jobs/{id}/events", job)
                .then().statusCode(200);
    }
}
