package dev.progresshub.it;

import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.ApiClient;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The 2-second poll path with ETag / If-None-Match, over HTTP only (PollApiIT runs it natively). */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class PollApiTest {

    private final ApiClient api = ApiClient.current();

    @Test
    void anUnchangedJobAnswers304AndAChangedOneItsNewVersion() {
        String id = api.createJob("Polled job", Map.of("total", 100));
        String etag = api.admin().get("/api/jobs/" + id)
                .then().statusCode(200).header("ETag", not(emptyString())).body("version", equalTo(1))
                .extract().header("ETag");

        api.admin().header("If-None-Match", etag).get("/api/jobs/" + id)
                .then().statusCode(304).body(emptyString());

        long version = api.send(id, "{\"type\":\"job_progress\",\"current\":40}");
        String newEtag = api.admin().header("If-None-Match", etag).get("/api/jobs/" + id)
                .then().statusCode(200)
                .body("version", equalTo((int) version), "progress.current", equalTo(40),
                        "progress.percent", equalTo(40.0f))
                .extract().header("ETag");
        assertNotEquals(etag, newEtag);
        api.admin().header("If-None-Match", newEtag).get("/api/jobs/" + id).then().statusCode(304);
    }

    @Test
    void recentEventsComeWithTheSnapshotOnRequest() {
        String id = api.createJob("Job with events", Map.of());
        api.send(id, "[{\"type\":\"job_start\"},{\"type\":\"message\",\"message\":\"hello\"}]");
        api.admin().queryParam("include", "recentEvents").get("/api/jobs/" + id)
                .then().statusCode(200)
                .body("recentEvents[-1].type", equalTo("message"), "recentEvents[-1].message", equalTo("hello"),
                        "recentEvents[-2].type", equalTo("job_start"));
        api.admin().queryParam("after", 0).get("/api/jobs/" + id + "/events")
                .then().statusCode(200).body("items.type", hasItems("job_start", "message"));
    }
}
