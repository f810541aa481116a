package dev.progresshub.testsupport;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Small helpers over the real HTTP API for tests: tokens, jobs, events. */
public final class Api {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef-0123";

    private Api() {
    }

    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    public static RequestSpecification admin() {
        return as(ADMIN_TOKEN);
    }

    /** Creates a token through the API and returns its secret. */
    public static String token(String project, String... scopes) {
        return admin().contentType(ContentType.JSON)
                .body(Map.of("name", "test " + String.join("+", scopes), "project", project, "scopes", List.of(scopes)))
                .post("/api/tokens")
                .then().statusCode(201)
                .extract().path("token");
    }

    public static String uniqueProject() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String uniqueJob() {
        return "job-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Posts one event object or an array (as a JSON string) and expects a 200. */
    public static void send(String token, String jobId, String eventsJson) {
        as(token).contentType(ContentType.JSON).body(eventsJson)
                .post("/api/jobs/{id}/events", jobId)
                .then().statusCode(200);
    }
}
