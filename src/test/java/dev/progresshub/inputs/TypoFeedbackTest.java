package dev.progresshub.inputs;

import static dev.progresshub.testsupport.Api.as;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Typos do not pass silently (CONTRACT section 4): an ingest answer warns about what it accepted but looks like a
 * mistake, and a refusal says what to do: the valid choices, the expected type, the name the caller used.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class TypoFeedbackTest {

    String token;
    String job;

    @BeforeEach
    void setUp() {
        token = Api.token(Api.uniqueProject(), "ingest", "read");
        job = Api.uniqueJob();
    }

    @Test
    void anUnknownFieldIsIgnoredAndTheWarningNamesTheClosestKnownField() {
        send("{\"type\":\"job_start\",\"total\":10}").body("$", not(hasKey("warnings")));
        send("{\"type\":\"job_progress\",\"curent\":7}").statusCode(200)
                .body("accepted", equalTo(1), "warnings[0].field", equalTo("curent"),
                        "warnings[0].message", containsString("did you mean 'current'?"));
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(0));
    }

    @Test
    void inABatchTheWarningSaysWhichEvent() {
        send("[{\"type\":\"job_start\"},{\"type\":\"item_complete\",\"item\":\"a\",\"stgae\":\"download\"}]")
                .statusCode(200).body("warnings[0].field", equalTo("[1].stgae"),
                        "warnings[0].message", containsString("'stage'"));
    }

    @Test
    void aStageTheJobDidNotDeclareIsCreatedWithAWarning() {
        as(token).contentType(ContentType.JSON)
                .body("{\"id\":\"" + job + "\",\"name\":\"n\",\"stages\":[{\"name\":\"download\",\"total\":10}]}")
                .post("/api/jobs").then().statusCode(201);
        send("{\"type\":\"item_complete\",\"stage\":\"downlaod\",\"item\":\"a\"}").statusCode(200)
                .body("warnings[0].field", equalTo("stage"),
                        "warnings[0].message", containsString("not declared"),
                        "warnings[0].message", containsString("did you mean 'download'?"));
        as(token).get("/api/jobs/{id}", job).then().body("stages[1].name", equalTo("downlaod"));
    }

    @Test
    void currentAboveTotalIsAcceptedWithAWarning() {
        send("[{\"type\":\"job_start\",\"total\":10},{\"type\":\"job_progress\",\"current\":12}]").statusCode(200)
                .body("warnings[0].field", equalTo("[1].current"),
                        "warnings[0].message", containsString("above total 10"));
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(12));
    }

    @Test
    void eventsThatCreateAJobWithoutJobStartWarnOfAMisspelledId() {
        send("{\"type\":\"item_complete\",\"item\":\"a\"}").statusCode(200)
                .body("warnings[0].field", equalTo("id"), "warnings[0].message", containsString(job));
        send("{\"type\":\"item_complete\",\"item\":\"b\"}").statusCode(200).body("$", not(hasKey("warnings")));
    }

    @Test
    void aJobStartedByItsFirstEventsGetsNoWarning() {
        send("{\"type\":\"job_start\",\"total\":3}").statusCode(200).body("$", not(hasKey("warnings")));
    }

    private ValidatableResponse send(String body) {
        return as(token).contentType(ContentType.JSON).body(body).post("/api/jobs/{id}/events", job).then();
    }

    @Test
    void anUnknownEventTypeListsTheValidTypesAndTheClosestOne() {
        as(token).contentType(ContentType.JSON).body("{\"type\":\"job_strat\"}").post("/api/jobs/{id}/events", job)
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", allOf(containsString("did you mean 'job_start'?"),
                        containsString("valid types: job_start, job_progress"), containsString("file_fail")),
                        "errors[0].field", equalTo("type"));
    }

    @Test
    void aWrongTypeSaysWhatWasExpected() {
        as(token).contentType(ContentType.JSON).body("{\"type\":\"job_progress\",\"current\":\"seven\"}")
                .post("/api/jobs/{id}/events", job).then().statusCode(400)
                .body("detail", equalTo("current: expected a number"), "errors[0].field", equalTo("current"));
        as(token).contentType(ContentType.JSON).body("[{\"type\":\"message\",\"message\":[1]}]")
                .post("/api/jobs/{id}/events", job).then().statusCode(400)
                .body("errors[0].field", equalTo("[0].message"), "errors[0].message", equalTo("expected a string"));
        as(token).contentType(ContentType.JSON).body("{\"type\":\"message\",\"message\":\"m\",\"at\":\"yesterday\"}")
                .post("/api/jobs/{id}/events", job).then().statusCode(400)
                .body("errors[0].message", containsString("ISO-8601"));
    }

    @Test
    void aReusedCrawlerUpdateIdIsNamedAsSuchNotAsAnIdempotencyKey() {
        crawler("{\"taskId\":\"" + job + "\",\"status\":\"processing\",\"processedItems\":1,\"updateId\":\"u1\"}")
                .statusCode(200);
        crawler("{\"taskId\":\"" + job + "\",\"status\":\"processing\",\"processedItems\":2,\"updateId\":\"u1\"}")
                .statusCode(422).contentType("application/problem+json")
                .body("detail", allOf(containsString("updateId 'u1'"), not(containsString("Idempotency-Key"))));
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(1));
    }

    @Test
    void everyPathThatCreatesAJobAppliesTheSameRules() {
        String longOperation = "o".repeat(129);
        as(token).contentType(ContentType.JSON)
                .body("{\"name\":\"n\",\"operation\":\"" + longOperation + "\"}").post("/api/jobs")
                .then().statusCode(400).body("errors[0].field", equalTo("operation"),
                        "detail", containsString("progress-hub.limits.operation-chars"));
        as(token).contentType(ContentType.JSON)
                .body("{\"operation\":\"" + longOperation + "\",\"totalSteps\":5}").post("/api/progress/sessions")
                .then().statusCode(400).body("errors[0].field", equalTo("operation"),
                        "detail", containsString("progress-hub.limits.operation-chars"));
        as(token).contentType(ContentType.JSON).body("{\"name\":\"n\",\"heartbeatSeconds\":1}").post("/api/jobs")
                .then().statusCode(400).body("errors[0].field", equalTo("heartbeatSeconds"));
        as(token).contentType(ContentType.JSON).body("{\"name\":\"n\",\"stages\":[null]}").post("/api/jobs")
                .then().statusCode(400).body("errors[0].field", equalTo("stages[0]"));
    }

    @Test
    void aBadBodyForAnExistingJobIsStillRefused() {
        as(token).contentType(ContentType.JSON).body("{\"id\":\"" + job + "\",\"name\":\"n\"}").post("/api/jobs")
                .then().statusCode(201);
        as(token).contentType(ContentType.JSON).body("{\"id\":\"" + job + "\",\"name\":\"\"}").post("/api/jobs")
                .then().statusCode(400).body("errors[0].field", equalTo("name"));
    }

    private ValidatableResponse crawler(String body) {
        return as(token).contentType(ContentType.JSON).body(body).post("/api/internal/jobs/progress").then();
    }
}
