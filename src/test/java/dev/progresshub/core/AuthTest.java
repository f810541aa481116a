package dev.progresshub.core;

import static dev.progresshub.testsupport.Api.admin;
import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.send;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.http.Method;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class AuthTest {

    /** Every job endpoint, the scope it needs, and a body that would be accepted. */
    record Endpoint(Method method, String path, String scope, String body) {
        Response call(RequestSpecification request, String job) {
            if (body != null) {
                request = request.contentType(ContentType.JSON).body(body.replace("{job}", job));
            }
            return request.request(method, path.replace("{job}", job));
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Stream<Endpoint> jobEndpoints() {
        return Stream.of(
                new Endpoint(Method.POST, "/api/jobs/{job}/events", "ingest", "{\"type\":\"message\",\"message\":\"m\"}"),
                new Endpoint(Method.GET, "/api/jobs/{job}", "read", null),
                new Endpoint(Method.GET, "/api/jobs/{job}/events", "read", null),
                new Endpoint(Method.GET, "/api/jobs/{job}/stream", "read", null),
                new Endpoint(Method.POST, "/api/jobs/{job}/pause", "control", null),
                new Endpoint(Method.POST, "/api/jobs/{job}/resume", "control", null),
                new Endpoint(Method.POST, "/api/jobs/{job}/cancel", "control", null),
                new Endpoint(Method.DELETE, "/api/jobs/{job}", "control", null));
    }

    static Stream<Endpoint> allEndpoints() {
        return Stream.concat(jobEndpoints(), Stream.of(
                new Endpoint(Method.POST, "/api/jobs", "ingest", "{\"id\":\"{job}\",\"name\":\"n\"}"),
                new Endpoint(Method.GET, "/api/jobs", "read", null),
                new Endpoint(Method.GET, "/api/stream", "read", null),
                new Endpoint(Method.GET, "/api/me", "read", null),
                new Endpoint(Method.GET, "/api/tokens", "admin", null),
                new Endpoint(Method.POST, "/api/tokens", "admin", "{\"name\":\"x\",\"project\":\"p\",\"scopes\":[\"read\"]}"),
                new Endpoint(Method.DELETE, "/api/tokens/no-such-token", "admin", null)));
    }

    @Inject
    EntityManager entityManager;

    String project;
    String job;

    @BeforeEach
    void setUp() {
        project = Api.uniqueProject();
        job = Api.uniqueJob();
        send(Api.token(project, "ingest"), job, "{\"type\":\"job_start\"}");
    }

    @ParameterizedTest
    @MethodSource("allEndpoints")
    void everyEndpointWantsAToken(Endpoint endpoint) {
        endpoint.call(given(), job).then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"));
        endpoint.call(as("ph_not-a-real-token"), job).then().statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""));
    }

    @ParameterizedTest
    @MethodSource("allEndpoints")
    void everyEndpointEnforcesItsScope(Endpoint endpoint) {
        List<String> otherScopes = Stream.of("ingest", "read", "control")
                .filter(s -> !s.equals(endpoint.scope())).toList();
        String lacking = Api.token(project, otherScopes.toArray(String[]::new));
        endpoint.call(as(lacking), job).then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString(endpoint.scope()));
    }

    @ParameterizedTest
    @MethodSource("jobEndpoints")
    void anotherProjectsJobIsNotFoundNeverForbidden(Endpoint endpoint) {
        String stranger = Api.token(Api.uniqueProject(), "ingest", "read", "control");
        int status = endpoint.call(as(stranger), job).then().extract().statusCode();
        if (endpoint.method() == Method.POST && endpoint.path().endsWith("/events")) {
            // ingest into an unknown id creates the stranger's own job; ours is untouched
            assertEquals(200, status);
        } else {
            assertEquals(404, status, endpoint.toString());
        }
        as(Api.token(project, "read")).get("/api/jobs/{id}", job).then().statusCode(200)
                .body("status", equalTo("running"), "version", equalTo(2));
    }

    @Test
    void tokensAreShownOnceAndStoredOnlyAsTheirSha256() throws Exception {
        String token = admin().contentType(ContentType.JSON)
                .body(Map.of("name", "crawler", "project", project, "scopes", List.of("ingest")))
                .post("/api/tokens").then().statusCode(201).body("token", containsString("ph_"))
                .extract().path("token");
        String stored = QuarkusTransaction.requiringNew().call(() -> (String) entityManager
                .createNativeQuery("select token_hash from api_token where name = 'crawler' and project = ?1")
                .setParameter(1, project).getSingleResult());
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        assertEquals(sha256, stored);
        assertNotEquals(token, stored);
        admin().get("/api/tokens").then().statusCode(200)
                .body("find { it.name == 'crawler' && it.project == '" + project + "' }.token", nullValue());
    }

    @Test
    void aRevokedTokenIsRefusedAtOnce() {
        String token = Api.token(project, "read");
        as(token).get("/api/jobs/{id}", job).then().statusCode(200);
        String id = admin().get("/api/tokens").then().extract()
                .path("find { it.project == '" + project + "' && it.scopes == ['read'] }.id");
        admin().delete("/api/tokens/{id}", id).then().statusCode(204);
        as(token).get("/api/jobs/{id}", job).then().statusCode(401)
                .body("detail", containsString("revoked"));
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = admin().contentType(ContentType.JSON)
                .body(Map.of("name", "short", "project", project, "scopes", List.of("read"),
                        "expiresAt", Instant.now().plusSeconds(2).toString()))
                .post("/api/tokens").then().statusCode(201).extract().path("token");
        as(token).get("/api/jobs/{id}", job).then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> as(token).get("/api/jobs/{id}", job).statusCode() == 401);
        as(token).get("/api/jobs/{id}", job).then().body("detail", containsString("expired"));
    }

    @Test
    void tokenRequestsAreValidated() {
        admin().contentType(ContentType.JSON)
                .body(Map.of("name", "x", "project", project, "scopes", List.of("superuser")))
                .post("/api/tokens").then().statusCode(400)
                .body("errors[0].field", equalTo("scopes"));
        admin().contentType(ContentType.JSON).body(Map.of("project", project, "scopes", List.of("read")))
                .post("/api/tokens").then().statusCode(400).body("errors[0].field", equalTo("name"));
    }

    @Test
    void meTellsADashboardWhatItsTokenMayDo() {
        as(Api.token(project, "read", "control")).get("/api/me").then().statusCode(200)
                .body("project", equalTo(project), "scopes", hasItem("control"), "scopes", not(hasItem("admin")));
    }

    @Test
    void anAdminSeesEveryProjectAndActsOnTheNamedOne() {
        admin().queryParam("project", project).get("/api/jobs/{id}", job).then().statusCode(200);
        admin().get("/api/jobs/{id}", job).then().statusCode(404);
        admin().get("/api/jobs").then().statusCode(200).body("items.project", hasItem(project));
    }
}
