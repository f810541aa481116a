package dev.progresshub.security;

import static dev.progresshub.testsupport.Api.admin;
import static dev.progresshub.testsupport.Api.as;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** CONTRACT section 8: {@code ?project=} is at most 64 of [a-z0-9-]; query numbers that are not numbers are 400. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class QueryValidationTest {

    @Test
    void aProjectPastItsBoundsIsRefusedAndNothingIsStored() {
        String job = Api.uniqueJob();
        String tooLong = "p".repeat(65);
        admin().queryParam("project", "x".repeat(3000)).contentType(ContentType.JSON).body("{\"type\":\"job_start\"}")
                .post("/api/jobs/{id}/events", job).then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("project"));
        admin().queryParam("project", tooLong).contentType(ContentType.JSON)
                .body("{\"id\":\"" + job + "\",\"name\":\"n\"}").post("/api/jobs").then().statusCode(400);
        admin().queryParam("project", "Upper.Case").get("/api/jobs").then().statusCode(400);
        admin().queryParam("project", tooLong).get("/api/stream").then().statusCode(400);
        admin().queryParam("project", "p".repeat(64)).get("/api/jobs").then().statusCode(200);
        admin().get("/api/jobs").then().statusCode(200);
        admin().queryParam("project", "p".repeat(64)).get("/api/jobs/{id}", job).then().statusCode(404);
        // the event-loop poll and stream routes pass a bad project on to the full path: the same 400
        admin().get("/api/jobs").then().statusCode(200);
        admin().queryParam("project", "Upper.Case").get("/api/jobs/{id}", job).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("project"));
        admin().queryParam("project", "Upper.Case").accept("text/event-stream").get("/api/jobs/{id}/stream", job)
                .then().statusCode(400).contentType("application/problem+json");
        // the instance goes on serving
        Api.send(Api.token(Api.uniqueProject(), "ingest"), job, "{\"type\":\"job_start\"}");
    }

    @Test
    void aLimitThatIsNoNumberIs400Not404() {
        String project = Api.uniqueProject();
        String job = Api.uniqueJob();
        String token = Api.token(project, "ingest", "read");
        Api.send(token, job, "{\"type\":\"job_start\"}");
        as(token).queryParam("limit", "ten").get("/api/jobs").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        as(token).queryParam("limit", "ten").get("/api/jobs/{id}/events", job).then().statusCode(400);
        as(token).queryParam("after", "x").get("/api/jobs/{id}/events", job).then().statusCode(400)
                .body("errors[0].field", equalTo("after"));
        as(token).queryParam("limit", "2").get("/api/jobs/{id}/events", job).then().statusCode(200);
    }
}
