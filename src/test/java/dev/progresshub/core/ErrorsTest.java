package dev.progresshub.core;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.send;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Every refusal is a clear problem answer, and a refused request changes nothing. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ErrorsTest {

    String token;
    String job;

    @BeforeEach
    void setUp() {
        token = Api.token(Api.uniqueProject(), "ingest", "read");
        job = Api.uniqueJob();
        send(token, job, "{\"type\":\"job_start\",\"total\":10}");
    }

    @Test
    void malformedJsonIsA400ThatSaysWhere() {
        post("[{\"type\":\"item_complete\",").statusCode(400)
                .body("title", equalTo("Bad request"), "detail", containsString("not valid JSON"));
        assertUnchanged();
    }

    @Test
    void validationNamesEveryBadFieldWithItsPositionInTheBatch() {
        post("[{\"type\":\"item_complete\",\"item\":\"ok\"},{\"type\":\"item_fail\",\"seq\":-1}]").statusCode(400)
                .body("type", containsString("validation"),
                        "errors.field", hasItem("[1].item"), "errors.field", hasItem("[1].error"),
                        "errors.field", hasItem("[1].seq"), "errors.field", not(hasItem("[0].item")));
        assertUnchanged();
    }

    @Test
    void aWrongFieldTypeIsAValidationError() {
        post("{\"type\":\"job_progress\",\"current\":\"forty\"}").statusCode(400)
                .body("errors[0].field", equalTo("current"));
        assertUnchanged();
    }

    @Test
    void anUnknownEventTypeIsRefused() {
        post("{\"type\":\"job_explode\"}").statusCode(400)
                .body("errors[0].field", equalTo("type"), "errors[0].message", containsString("job_explode"));
        post("{\"type\":\"pause_requested\"}").statusCode(400).body("errors[0].field", equalTo("type"));
        assertUnchanged();
    }

    @Test
    void oversizedBodiesAndBatchesAre413() {
        String huge = "{\"type\":\"message\",\"message\":\"m\",\"data\":{\"blob\":\"" + "x".repeat(3_000_000) + "\"}}";
        post(huge).statusCode(413).body("status", equalTo(413));
        String overMiB = "{\"type\":\"message\",\"message\":\"m\",\"data\":{\"blob\":\"" + "x".repeat(1_100_000) + "\"}}";
        post(overMiB).statusCode(413).body("detail", containsString("limit"));
        String tooMany = IntStream.range(0, 1001).mapToObj(i -> "{\"type\":\"heartbeat\"}")
                .collect(Collectors.joining(",", "[", "]"));
        post(tooMany).statusCode(413).body("detail", containsString("1000"));
        String bigData = "{\"type\":\"message\",\"message\":\"m\",\"data\":{\"blob\":\"" + "x".repeat(9000) + "\"}}";
        post(bigData).statusCode(400).body("errors[0].field", equalTo("data"));
        assertUnchanged();
    }

    @Test
    void aNonJsonBodyIs415() {
        as(token).contentType(ContentType.XML).body("<event/>").post("/api/jobs/{id}/events", job)
                .then().statusCode(415).contentType("application/problem+json");
        assertUnchanged();
    }

    @Test
    void anInvalidJobIdIsRefused() {
        as(token).contentType(ContentType.JSON).body("{\"type\":\"job_start\"}")
                .post("/api/jobs/{id}/events", "bad id with spaces")
                .then().statusCode(400).body("errors[0].field", equalTo("id"));
    }

    @Test
    void unknownPathsAndJobsAreProblems() {
        as(token).get("/api/jobs/{id}", "never-created").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("never-created"));
        as(token).get("/api/nothing-here").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void noAnswerLeaksInternals() {
        String body = post("{\"type\":\"job_progress\",\"current\":\"x\"}").extract().asString();
        org.junit.jupiter.api.Assertions.assertFalse(body.contains("Exception") || body.contains("dev.progresshub")
                || body.contains("at "), body);
    }

    private ValidatableResponse post(String body) {
        return as(token).contentType(ContentType.JSON).body(body).post("/api/jobs/{id}/events", job)
                .then().contentType("application/problem+json");
    }

    private void assertUnchanged() {
        as(token).get("/api/jobs/{id}", job).then().statusCode(200)
                .body("version", equalTo(2), "progress.current", equalTo(0), "lastEventId", equalTo(
                        as(token).get("/api/jobs/{id}/events", job).then().extract().path("items[0].id")));
    }
}
