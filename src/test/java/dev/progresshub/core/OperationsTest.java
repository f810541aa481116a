package dev.progresshub.core;

import static dev.progresshub.testsupport.Api.send;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class OperationsTest {

    @Inject
    Vertx vertx;

    /** Vert.x's own default is two per core; the committer and PostgreSQL need those cores. */
    @Test
    void theServiceRunsOneEventLoopPerTwoCores() {
        var eventLoops = (MultithreadEventExecutorGroup) ((VertxInternal) vertx).getEventLoopGroup();
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), eventLoops.executorCount());
    }

    @Test
    void readinessChecksTheDatabaseAndTheClusterListener() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"), "checks.name", hasItem("cluster-listener"),
                        "checks.name", hasItem("Database connections health check"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusMetricsCountIngestPollsAndStreams() {
        String token = Api.token(Api.uniqueProject(), "ingest", "read");
        String job = Api.uniqueJob();
        send(token, job, "{\"type\":\"job_start\"}");
        Api.as(token).get("/api/jobs/{id}", job).then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("progresshub_ingest_events_total{outcome=\"accepted\"}"),
                        containsString("progresshub_poll_cache_total{result=\"hit\"}"),
                        containsString("progresshub_stream_subscribers"));
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.keySet()", hasItem("/api/jobs/{id}/events"));
    }

    @Test
    void theDashboardPageIsServedUnderAStrictContentSecurityPolicy() {
        given().get("/").then().header("Content-Security-Policy", containsString("script-src 'self'"));
    }
}
