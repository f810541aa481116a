package dev.progresshub.deploy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URL;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * The production images are built with the management interface on (src/main/docker): health, metrics,
 * the OpenAPI document and Swagger UI then answer on their own port only, which the manifests probe and
 * scrape, while the API and the dashboard stay on the main port that the Service and Ingress expose.
 */
@QuarkusTest
@TestProfile(ManagementInterfaceTest.ManagementInterface.class)
@WithTestResource(PostgresTestResource.class)
class ManagementInterfaceTest {

    /** What the image build adds (a build-time property: a test profile re-augments, so it takes effect). */
    public static class ManagementInterface implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.management.enabled", "true", "quarkus.management.test-port", "0");
        }
    }

    private static final List<String> OPERATIONS = List.of("/q/health/ready", "/q/health/live", "/q/metrics",
            "/q/openapi", "/q/swagger-ui/");

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void operationsAnswerOnlyOnTheManagementPortAndTheApiOnlyOnTheMainPort() {
        assertNotEquals(RestAssured.port, management.getPort(), "a port of its own");
        String token = Api.token(Api.uniqueProject(), "read");

        Api.as(token).get("/api/jobs").then().statusCode(200).body("items", equalTo(List.of()));
        given().baseUri(base()).header("Authorization", "Bearer " + token).get("/api/jobs").then().statusCode(404);

        for (String path : OPERATIONS) {
            given().get(path).then().statusCode(404);
            given().baseUri(base()).get(path).then().statusCode(200);
        }
        given().baseUri(base()).get("/q/health/ready").then().body("status", equalTo("UP"));
        given().baseUri(base()).get("/q/metrics").then().body(containsString("progresshub_ingest_queue_capacity"));
        given().baseUri(base()).get("/q/openapi?format=json").then()
                .body("paths.keySet()", hasItem("/api/jobs/{id}/events"));
    }

    private String base() {
        return "http://" + management.getHost() + ":" + management.getPort();
    }
}
