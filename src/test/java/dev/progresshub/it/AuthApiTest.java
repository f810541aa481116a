package dev.progresshub.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.ApiClient;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Who may do what: 401, 403, 404 across projects, revocation (AuthApiIT runs it natively). */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class AuthApiTest {

    private final ApiClient api = ApiClient.current();

    @Test
    void noOrBadTokenIs401WithAChallenge() {
        given().get("/api/jobs").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType("application/problem+json");
        api.as("not-a-token").get("/api/jobs").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void aTokenWithoutTheScopeIs403() {
        String project = "p-" + System.nanoTime();
        String reader = api.token(project, "read");
        api.as(reader).contentType(ContentType.JSON).body(Map.of("name", "x")).post("/api/jobs")
                .then().statusCode(403).contentType("application/problem+json");
        api.as(reader).get("/api/jobs").then().statusCode(200);
    }

    @Test
    void aJobOfAnotherProjectIs404NeverItsData() {
        String mine = api.token("own-" + System.nanoTime(), "ingest", "read", "control");
        String theirs = api.token("other-" + System.nanoTime(), "ingest", "read", "control");
        api.as(mine).contentType(ContentType.JSON).body(Map.of("id", "secret-job", "name", "Mine"))
                .post("/api/jobs").then().statusCode(201);

        api.as(theirs).get("/api/jobs/secret-job").then().statusCode(404);
        api.as(theirs).post("/api/jobs/secret-job/cancel").then().statusCode(404);
        api.as(theirs).get("/api/jobs").then().statusCode(200).body("items.size()", equalTo(0));
        api.as(mine).get("/api/jobs/secret-job").then().statusCode(200).body("name", equalTo("Mine"));
    }

    @Test
    void aRevokedTokenIsRefusedAtOnce() {
        Map<String, Object> created = api.admin().contentType(ContentType.JSON)
                .body(Map.of("name", "short-lived", "project", "default", "scopes", java.util.List.of("read")))
                .post("/api/tokens").then().statusCode(201).extract().as(Map.class);
        String token = (String) created.get("token");
        api.as(token).get("/api/jobs").then().statusCode(200);
        api.admin().delete("/api/tokens/" + created.get("id")).then().statusCode(204);
        api.as(token).get("/api/jobs").then().statusCode(401);
    }
}
