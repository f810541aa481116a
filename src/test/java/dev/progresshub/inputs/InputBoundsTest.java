package dev.progresshub.inputs;

import static dev.progresshub.testsupport.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.StoredRows;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * CONTRACT section 8: past each input bound the answer is a problem naming the limit, nothing of the request
 * is stored, and the instance serves another token normally right after.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class InputBoundsTest {

    @Inject
    EntityManager entityManager;

    String project;
    String token;
    String job;

    @BeforeEach
    void setUp() {
        project = Api.uniqueProject();
        token = Api.token(project, "ingest", "read");
        job = Api.uniqueJob();
        events("{\"type\":\"job_start\",\"total\":10}").then().statusCode(200);
    }

    @Test
    void resumeStateOver64KiB() {
        refused(() -> events("{\"type\":\"checkpoint\",\"lastProcessedId\":\"p\",\"resumeState\":{\"blob\":\""
                + "x".repeat(66_000) + "\"}}"), 400, "progress-hub.limits.resume-state-bytes");
        refused(() -> crawler("{\"taskId\":\"" + job + "\",\"resumeState\":{\"blob\":\"" + "x".repeat(66_000)
                + "\"}}"), 400, "progress-hub.limits.resume-state-bytes");
    }

    @Test
    void dataOver8KiBAlsoThroughTheCrawlerPayload() {
        refused(() -> events("{\"type\":\"message\",\"message\":\"m\",\"data\":{\"blob\":\"" + "x".repeat(9_000)
                + "\"}}"), 400, "progress-hub.limits.data-bytes");
        refused(() -> crawler("{\"taskId\":\"" + job + "\",\"timeline\":[{\"event\":\"e\",\"details\":{\"blob\":\""
                + "x".repeat(9_000) + "\"}}]}"), 400, "progress-hub.limits.data-bytes");
    }

    @Test
    void oneEventOver64KiBThoughEachPartIsWithinItsOwnBound() {
        refused(() -> events("{\"type\":\"checkpoint\",\"lastProcessedId\":\"p\",\"message\":\"" + "m".repeat(4_000)
                + "\",\"data\":{\"d\":\"" + "d".repeat(7_000) + "\"},\"resumeState\":{\"r\":\"" + "r".repeat(60_000)
                + "\"}}"), 400, "progress-hub.limits.event-bytes");
    }

    @Test
    void stagesPerJob() {
        String stages = IntStream.range(0, 201).mapToObj(i -> "{\"name\":\"s" + i + "\"}")
                .collect(Collectors.joining(",", "[", "]"));
        refused(() -> create("{\"name\":\"n\",\"stages\":" + stages + "}"), 400, "progress-hub.limits.stages-per-job");

        String twoHundred = IntStream.range(0, 200).mapToObj(i -> "{\"type\":\"stage_start\",\"stage\":\"s" + i + "\"}")
                .collect(Collectors.joining(",", "[", "]"));
        events(twoHundred).then().statusCode(200);
        refused(() -> events("{\"type\":\"stage_start\",\"stage\":\"one-more\"}"), 400,
                "progress-hub.limits.stages-per-job");
    }

    @Test
    void itemTypesPerJob() {
        refused(() -> events(itemsDiscovered("a", 201)), 400, "progress-hub.limits.item-types-per-job");
        events(itemsDiscovered("a", 150)).then().statusCode(200);
        refused(() -> events(itemsDiscovered("b", 60)), 400, "progress-hub.limits.item-types-per-job");
    }

    @Test
    void errorClassesPastTheBoundAreCountedUnderOther() {
        String failures = IntStream.range(0, 102)
                .mapToObj(i -> "{\"type\":\"item_fail\",\"item\":\"i" + i + "\",\"error\":\"e\",\"errorClass\":\"c" + i + "\"}")
                .collect(Collectors.joining(",", "[", "]"));
        events(failures).then().statusCode(200);
        as(token).get("/api/jobs/{id}", job).then().statusCode(200)
                .body("errors.count", equalTo(102), "errors.byClass.size()", equalTo(101),
                        "errors.byClass.other", equalTo(2), "errors.byClass.c99", equalTo(1));
    }

    @Test
    void eventsPerRequestAlsoForTheCrawlerTimeline() {
        String timeline = IntStream.range(0, 1001).mapToObj(i -> "{\"event\":\"e" + i + "\"}")
                .collect(Collectors.joining(",", "[", "]"));
        refused(() -> crawler("{\"taskId\":\"" + job + "\",\"timeline\":" + timeline + "}"), 413,
                "progress-hub.limits.events-per-request");
    }

    @Test
    void jobNameOperationStageNameAndLabels() {
        refused(() -> create("{\"name\":\"" + "n".repeat(513) + "\"}"), 400, "progress-hub.limits.name-chars");
        refused(() -> create("{\"name\":\"n\",\"operation\":\"" + "o".repeat(129) + "\"}"), 400,
                "progress-hub.limits.operation-chars");
        refused(() -> create("{\"name\":\"n\",\"stages\":[{\"name\":\"" + "s".repeat(257) + "\"}]}"), 400,
                "progress-hub.limits.stage-name-chars");
        refused(() -> events("{\"type\":\"stage_start\",\"stage\":\"" + "s".repeat(257) + "\"}"), 400,
                "progress-hub.limits.stage-name-chars");
        String labels = IntStream.range(0, 33).mapToObj(i -> "\"k" + i + "\":\"v\"")
                .collect(Collectors.joining(",", "{", "}"));
        refused(() -> create("{\"name\":\"n\",\"labels\":" + labels + "}"), 400, "progress-hub.limits.labels-per-job");
    }

    @Test
    void atFrom2000ToOneDayAhead() {
        refused(() -> events("{\"type\":\"message\",\"message\":\"m\",\"at\":\"1999-12-31T23:59:59Z\"}"), 400,
                "from 2000-01-01");
        String dayAfterTomorrow = Instant.now().plus(2, ChronoUnit.DAYS).toString();
        refused(() -> events("{\"type\":\"message\",\"message\":\"m\",\"at\":\"" + dayAfterTomorrow + "\"}"), 400,
                "1 day ahead");
        refused(() -> crawler("{\"taskId\":\"" + job + "\",\"timeline\":[{\"timestamp\":\"1970-01-01T00:00:00Z\","
                + "\"event\":\"e\"}]}"), 400, "from 2000-01-01");
        events("{\"type\":\"message\",\"message\":\"m\",\"at\":\"2000-01-01T00:00:00Z\"}").then().statusCode(200);
    }

    private void refused(Supplier<Response> request, int status, String limit) {
        StoredRows before = StoredRows.of(entityManager, project);
        request.get().then().statusCode(status).contentType("application/problem+json")
                .body("detail", containsString(limit));
        assertEquals(before, StoredRows.of(entityManager, project), "nothing of the refused request was stored");
        anotherTokenIsServedNormally();
    }

    private static void anotherTokenIsServedNormally() {
        String other = Api.token(Api.uniqueProject(), "ingest", "read");
        as(other).contentType(ContentType.JSON).body("{\"type\":\"job_start\",\"total\":1}")
                .post("/api/jobs/{id}/events", Api.uniqueJob()).then().statusCode(200);
    }

    private static String itemsDiscovered(String prefix, int types) {
        return IntStream.range(0, types).mapToObj(i -> "\"" + prefix + i + "\":1")
                .collect(Collectors.joining(",", "{\"type\":\"items_discovered\",\"itemsByType\":{", "}}"));
    }

    private Response events(String body) {
        return as(token).contentType(ContentType.JSON).body(body).post("/api/jobs/{id}/events", job);
    }

    private Response create(String body) {
        return as(token).contentType(ContentType.JSON).body(body).post("/api/jobs");
    }

    private Response crawler(String body) {
        return as(token).contentType(ContentType.JSON).body(body).post("/api/internal/jobs/progress");
    }
}
