package dev.progresshub.testsupport;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * HTTP-only helpers for tests that must also run against a packaged app (jar, native binary or a child
 * process): nothing here touches beans. {@code baseUri} null means RestAssured's default (the app under test).
 * Unlike {@link Api}, each instance may talk to another running instance of the service.
 */
public final class ApiClient {

    private final String baseUri;

    private ApiClient(String baseUri) {
        this.baseUri = baseUri;
    }

    public static ApiClient current() {
        return new ApiClient(null);
    }

    public static ApiClient at(String baseUri) {
        return new ApiClient(baseUri);
    }

    public RequestSpecification as(String token) {
        RequestSpecification spec = given().header("Authorization", "Bearer " + token);
        return baseUri == null ? spec : spec.baseUri(baseUri);
    }

    public RequestSpecification admin() {
        return as(Api.ADMIN_TOKEN);
    }

    /** Headers that authenticate a stream, plus any others such as Last-Event-ID. */
    public static Map<String, String> bearer(String token, String... moreHeaders) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", "Bearer " + token);
        for (int i = 0; i + 1 < moreHeaders.length; i += 2) {
            headers.put(moreHeaders[i], moreHeaders[i + 1]);
        }
        return headers;
    }

    /** Creates a token for one project with the given scopes and returns its secret. */
    public String token(String project, String... scopes) {
        return admin().contentType(ContentType.JSON)
                .body(Map.of("name", "test-" + UUID.randomUUID(), "project", project, "scopes", List.of(scopes)))
                .post("/api/tokens")
                .then().statusCode(201)
                .extract().path("token");
    }

    /** Creates a job in the admin's default project and returns its id. */
    public String createJob(String name, Map<String, Object> extra) {
        String id = "job-" + UUID.randomUUID();
        Map<String, Object> body = new HashMap<>(extra);
        body.put("id", id);
        body.put("name", name);
        admin().contentType(ContentType.JSON).body(body).post("/api/jobs").then().statusCode(201);
        return id;
    }

    /** Posts events (a JSON array or object) to a job as admin; returns the response's job version. */
    public long send(String jobId, String eventsJson) {
        Number version = admin().contentType(ContentType.JSON).body(eventsJson)
                .post("/api/jobs/" + jobId + "/events")
                .then().statusCode(200)
                .extract().path("job.version");
        return version.longValue();
    }

}
