package dev.progresshub.it;

import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.ApiClient;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Ingest as a worker sees it, over HTTP only, so the same tests run against the native binary (IngestApiIT). */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class IngestApiTest {

    private final ApiClient api = ApiClient.current();

    @Test
    void creatingAJobTwiceAnswers201ThenUnchanged200() {
        Map<String, Object> body = Map.of("id", "create-twice-" + System.nanoTime(), "name", "Scrape artists",
                "operation", "scrape", "total", 150, "stages", List.of(Map.of("name", "download", "total", 100)),
                "labels", Map.of("team", "data"));
        api.admin().contentType(ContentType.JSON).body(body).post("/api/jobs")
                .then().statusCode(201)
                .header("Location", endsWith("/api/jobs/" + body.get("id")))
                .body("status", equalTo("pending"), "progress.total", equalTo(150), "version", equalTo(1));
        api.admin().contentType(ContentType.JSON).body(body).post("/api/jobs")
                .then().statusCode(200).body("version", equalTo(1));
    }

    @Test
    void eventsAreAppliedAndWorkerSequenceRetriesCountedOnce() {
        String id = api.createJob("Download files", Map.of("total", 10, "stages", List.of(Map.of("name", "download"))));
        String batch = """
                [{"type":"job_start","worker":"w1","seq":1},
                 {"type":"stage_start","stage":"download","total":4,"worker":"w1","seq":2},
                 {"type":"item_complete","stage":"download","item":"a.wav","worker":"w1","seq":3},
                 {"type":"file_fail","stage":"download","item":"b.wav","error":"timeout","errorClass":"timeout","worker":"w1","seq":4},
                 {"type":"job_progress","current":2,"phase":"Downloading","currentItem":"b.wav","worker":"w1","seq":5}]""";
        api.admin().contentType(ContentType.JSON).body(batch).post("/api/jobs/" + id + "/events")
                .then().statusCode(200)
                .body("accepted", equalTo(5), "duplicates", equalTo(0), "job.status", equalTo("running"));
        api.admin().contentType(ContentType.JSON).body(batch).post("/api/jobs/" + id + "/events")
                .then().statusCode(200)
                .body("accepted", equalTo(0), "duplicates", equalTo(5));

        api.admin().get("/api/jobs/" + id).then().statusCode(200)
                .body("status", equalTo("running"),
                        "progress.current", equalTo(2), "progress.phase", equalTo("Downloading"),
                        "stages[0].completed", equalTo(1), "stages[0].failed", equalTo(1),
                        "stages[0].percent", equalTo(50.0f),
                        "errors.count", equalTo(1), "errors.byClass.timeout", equalTo(1));
    }

    @Test
    void anIdempotencyKeyReplaysTheFirstAnswerAndRefusesAnotherBody() {
        String id = "idem-" + System.nanoTime();
        String event = "{\"type\":\"job_progress\",\"current\":5}";
        int version = api.admin().header("Idempotency-Key", "k-" + id).contentType(ContentType.JSON).body(event)
                .post("/api/jobs/" + id + "/events")
                .then().statusCode(200).body("accepted", equalTo(1)).extract().path("job.version");
        api.admin().header("Idempotency-Key", "k-" + id).contentType(ContentType.JSON).body(event)
                .post("/api/jobs/" + id + "/events")
                .then().statusCode(200).body("accepted", equalTo(1), "job.version", equalTo(version));
        api.admin().header("Idempotency-Key", "k-" + id).contentType(ContentType.JSON)
                .body("{\"type\":\"job_progress\",\"current\":6}")
                .post("/api/jobs/" + id + "/events")
                .then().statusCode(422);
    }

    @Test
    void aFinishedJobRefusesEventsAndBadEventsNameTheirField() {
        String id = api.createJob("Short job", Map.of());
        api.send(id, "[{\"type\":\"job_start\"},{\"type\":\"job_complete\"}]");
        api.admin().contentType(ContentType.JSON).body("{\"type\":\"job_progress\",\"current\":1}")
                .post("/api/jobs/" + id + "/events")
                .then().statusCode(409).contentType("application/problem+json");
        api.admin().contentType(ContentType.JSON).body("[{\"type\":\"nonsense\"}]")
                .post("/api/jobs/" + id + "/events")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("[0].type"));
    }
}
