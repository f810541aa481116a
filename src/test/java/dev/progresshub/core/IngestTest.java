package dev.progresshub.core;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.send;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class IngestTest {

    @Inject
    EntityManager entityManager;

    String token;
    String job;

    @BeforeEach
    void setUp() {
        token = Api.token(Api.uniqueProject(), "ingest", "read");
        job = Api.uniqueJob();
    }

    @Test
    void createsAJobOnceAndAnswersTheSameIdWithTheUnchangedJob() {
        String body = "{\"id\":\"" + job + "\",\"name\":\"Scrape artists\",\"operation\":\"scrape\",\"total\":150,"
                + "\"stages\":[{\"name\":\"download\",\"total\":100}],\"labels\":{\"team\":\"data\"}}";
        as(token).contentType(ContentType.JSON).body(body).post("/api/jobs")
                .then().statusCode(201)
                .header("Location", endsWith("/api/jobs/" + job))
                .body("status", equalTo("pending"), "progress.total", equalTo(150),
                        "stages[0].name", equalTo("download"), "labels.team", equalTo("data"), "version", equalTo(1));
        send(token, job, "{\"type\":\"job_start\"}");

        as(token).contentType(ContentType.JSON).body(body.replace("Scrape artists", "Renamed")).post("/api/jobs")
                .then().statusCode(200)
                .body("name", equalTo("Scrape artists"), "status", equalTo("running"), "version", equalTo(2));
    }

    @Test
    void anUnknownJobIsCreatedByItsFirstEventsAndTheAnswerCarriesRequestedState() {
        as(token).contentType(ContentType.JSON)
                .body("[{\"type\":\"job_start\",\"total\":3},{\"type\":\"item_complete\",\"item\":\"a\"}]")
                .post("/api/jobs/{id}/events", job)
                .then().statusCode(200)
                .body("accepted", equalTo(2), "duplicates", equalTo(0), "job.status", equalTo("running"),
                        "job.requestedState", nullValue(), "job.version", equalTo(3));
        as(token).get("/api/jobs/{id}", job).then().statusCode(200)
                .body("progress.current", equalTo(1), "progress.total", equalTo(3), "lastEventId", equalTo(lastEventId()));
    }

    @Test
    void workerAndSeqRetriesAreAcknowledgedButNotCountedTwice() {
        String batch = "[{\"type\":\"item_complete\",\"item\":\"a\",\"worker\":\"w1\",\"seq\":1},"
                + "{\"type\":\"item_complete\",\"item\":\"b\",\"worker\":\"w1\",\"seq\":2}]";
        send(token, job, batch);
        as(token).contentType(ContentType.JSON).body(batch).post("/api/jobs/{id}/events", job)
                .then().statusCode(200).body("accepted", equalTo(0), "duplicates", equalTo(2));
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(2));
        assertEquals(2, timelineRows("item_complete"));
    }

    @Test
    void anIdempotencyKeyReplaysTheFirstAnswerAndRefusesADifferentBody() {
        String first = as(token).contentType(ContentType.JSON).header("Idempotency-Key", "k-1")
                .body("{\"type\":\"item_complete\",\"item\":\"a\"}").post("/api/jobs/{id}/events", job)
                .then().statusCode(200).extract().asString();
        send(token, job, "{\"type\":\"item_complete\",\"item\":\"b\"}");

        as(token).contentType(ContentType.JSON).header("Idempotency-Key", "k-1")
                .body("{\"type\":\"item_complete\",\"item\":\"a\"}").post("/api/jobs/{id}/events", job)
                .then().statusCode(200).body(equalTo(first));
        as(token).contentType(ContentType.JSON).header("Idempotency-Key", "k-1")
                .body("{\"type\":\"item_complete\",\"item\":\"other\"}").post("/api/jobs/{id}/events", job)
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("different request body"));
        as(token).get("/api/jobs/{id}", job).then().body("progress.current", equalTo(2));
    }

    @Test
    void anIdempotencyKeyBelongsToItsToken() {
        String other = Api.token(Api.uniqueProject(), "ingest", "read");
        as(token).contentType(ContentType.JSON).header("Idempotency-Key", "shared")
                .body("{\"type\":\"item_complete\",\"item\":\"a\"}").post("/api/jobs/{id}/events", job)
                .then().statusCode(200).body("accepted", equalTo(1));
        as(other).contentType(ContentType.JSON).header("Idempotency-Key", "shared")
                .body("{\"type\":\"item_complete\",\"item\":\"a\"}").post("/api/jobs/{id}/events", job)
                .then().statusCode(200).body("accepted", equalTo(1));
    }

    @Test
    void concurrentWritersToOneJobLoseNothing() throws Exception {
        int threads = 8;
        int requestsPerThread = 25;
        int eventsPerRequest = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String worker = "w" + t;
            done.add(pool.submit(() -> {
                for (int r = 0; r < requestsPerThread; r++) {
                    int base = r * eventsPerRequest;
                    String batch = IntStream.range(0, eventsPerRequest)
                            .mapToObj(i -> "{\"type\":\"item_complete\",\"stage\":\"s\",\"item\":\"i" + (base + i)
                                    + "\",\"worker\":\"" + worker + "\",\"seq\":" + (base + i) + "}")
                            .collect(Collectors.joining(",", "[", "]"));
                    send(token, job, batch);
                    // every request is sent twice: a retry must change nothing
                    send(token, job, batch);
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        int expected = threads * requestsPerThread * eventsPerRequest;
        as(token).get("/api/jobs/{id}", job).then().statusCode(200)
                .body("stages[0].completed", equalTo(expected), "version", equalTo(1 + expected));
        assertEquals(expected, timelineRows("item_complete"));
    }

    @Test
    void aBatchIsWrittenInOneTransaction() {
        send(token, job, "{\"type\":\"job_start\"}");
        String batch = IntStream.range(0, 500)
                .mapToObj(i -> "{\"type\":\"item_complete\",\"item\":\"i" + i + "\"}")
                .collect(Collectors.joining(",", "[", "]"));
        send(token, job, batch);
        assertEquals(500, timelineRows("item_complete"));
        assertEquals(1, writingTransactions("item_complete"), "one ingest request, one transaction");
    }

    @Test
    void aRefusedBatchStoresNothingEvenWhenItsFirstEventsWereValid() {
        send(token, job, "{\"type\":\"job_start\"}");
        as(token).contentType(ContentType.JSON)
                .body("[{\"type\":\"item_complete\",\"item\":\"a\"},{\"type\":\"job_complete\"},"
                        + "{\"type\":\"item_complete\",\"item\":\"late\"}]")
                .post("/api/jobs/{id}/events", job)
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("completed"));
        as(token).get("/api/jobs/{id}", job).then()
                .body("status", equalTo("running"), "progress.current", equalTo(0), "version", equalTo(2));
        assertEquals(0, timelineRows("item_complete"));
    }

    @Test
    void terminalJobsStayTerminal() {
        send(token, job, "[{\"type\":\"job_start\"},{\"type\":\"job_complete\",\"message\":\"done\"}]");
        as(token).contentType(ContentType.JSON).body("{\"type\":\"job_progress\",\"current\":5}")
                .post("/api/jobs/{id}/events", job)
                .then().statusCode(409).contentType("application/problem+json")
                .body("status", equalTo(409), "detail", containsString("accepts no more events"));
        as(token).get("/api/jobs/{id}", job).then().body("status", equalTo("completed"), "progress.current", equalTo(0));
    }

    private int timelineRows(String type) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select count(*) from job_event where job_id = ?1 and type = ?2")
                .setParameter(1, job).setParameter(2, type).getSingleResult()).intValue());
    }

    /** Rows written by one transaction share its id (xmin). */
    private int writingTransactions(String type) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select count(distinct xmin::text) from job_event where job_id = ?1 and type = ?2")
                .setParameter(1, job).setParameter(2, type).getSingleResult()).intValue());
    }

    private int lastEventId() {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select max(id) from job_event where job_id = ?1")
                .setParameter(1, job).getSingleResult()).intValue());
    }
}
