package dev.progresshub.inputs;

import static dev.progresshub.testsupport.Api.as;
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

/** CONTRACT section 4: an ingest answer warns about what it accepted but looks like a typo. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class IngestWarningsTest {

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
}
