package dev.progresshub.dashboard;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;

/** The progress-hub API as a worker and an admin use it, to drive jobs while the browser watches. */
final class HubApi {

    static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef-0123";

    private HubApi() {
    }

    /** A new project token; answers the secret, which is shown only once. */
    static String createToken(String name, List<String> scopes) {
        return given()
                .auth().oauth2(ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("name", name, "project", "default", "scopes", scopes))
                .when().post("/api/tokens")
                .then().statusCode(201)
                .extract().path("token");
    }

    static void createJob(String token, String jobId, String name) {
        createJob(token, jobId, name, Map.of("suite", "browser"), 3600);
    }

    static void createJob(String token, String jobId, String name, Map<String, String> labels, long heartbeatSeconds) {
        given()
                .auth().oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("id", jobId, "name", name, "operation", "scrape", "labels", labels,
                        "heartbeatSeconds", heartbeatSeconds))
                .when().post("/api/jobs")
                .then().statusCode(201);
    }

    /** The status a token gets from GET /api/me: 200 while it is valid, 401 once revoked. */
    static int meStatus(String token) {
        return given().auth().oauth2(token).when().get("/api/me").then().extract().statusCode();
    }

    @SafeVarargs
    static void send(String token, String jobId, Map<String, Object>... events) {
        given()
                .auth().oauth2(token)
                .contentType(ContentType.JSON)
                .body(List.of(events))
                .when().post("/api/jobs/{id}/events", jobId)
                .then().statusCode(200);
    }

    /** An event: its type, then field name / value pairs. */
    static Map<String, Object> event(String type, Object... fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            event.put((String) fields[i], fields[i + 1]);
        }
        return event;
    }

    /** The job's requestedState as the API reports it: "paused", "cancelled" or null. */
    static String requestedState(String token, String jobId) {
        return given()
                .auth().oauth2(token)
                .when().get("/api/jobs/{id}", jobId)
                .then().statusCode(200)
                .extract().path("requestedState");
    }
}
