package dev.progresshub.instances;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.EmbeddedDatabase;
import dev.progresshub.testsupport.ServiceProcess;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The database goes away and comes back: 503 + Retry-After and readiness DOWN meanwhile, then recovery. */
class DatabaseOutageIT {

    @Test
    void ingestAnswers503WhileTheDatabaseIsDownAndRecoversByItself() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start();
                ServiceProcess service = ServiceProcess.start("outage", db.jdbcUrl())) {
            String id = service.api().createJob("Outage", Map.of());
            ingest(service, id, 1).then().statusCode(200);

            db.stop();

            ingest(service, id, 2).then().statusCode(503)
                    .header("Retry-After", notNullValue())
                    .contentType("application/problem+json")
                    .body("status", equalTo(503));
            await("readiness DOWN").atMost(Duration.ofSeconds(15)).until(() -> service.readiness() == 503);

            db.restart();

            await("ingest recovers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ingest(service, id, 3).statusCode() == 200);
            await("readiness UP").atMost(Duration.ofSeconds(30)).until(() -> service.readiness() == 200);
            service.api().admin().get("/api/jobs/" + id).then().statusCode(200)
                    .body("progress.current", equalTo(3));
        }
    }

    private static Response ingest(ServiceProcess service, String id, int current) {
        return service.api().admin().contentType(ContentType.JSON)
                .body("{\"type\":\"job_progress\",\"current\":" + current + "}")
                .post("/api/jobs/" + id + "/events");
    }
}
