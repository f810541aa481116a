package dev.progresshub.core;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.send;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.SseClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class StreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOON = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URL base;

    @Inject
    AgroalDataSource dataSource;

    String project;
    String token;
    String job;

    @BeforeEach
    void setUp() {
        project = Api.uniqueProject();
        token = Api.token(project, "ingest", "read");
        job = Api.uniqueJob();
        send(token, job, "{\"type\":\"job_start\",\"total\":100}");
    }

    @Test
    void aStreamStartsWithTheSnapshotThenCarriesEveryEventWithItsId() throws Exception {
        try (SseClient stream = jobStream(Map.of())) {
            await().atMost(SOON).until(() -> stream.messages().size() == 1);
            assertEquals(200, stream.status());
            assertEquals("no-cache", stream.response().headers().firstValue("Cache-Control").orElseThrow());
            assertEquals("no", stream.response().headers().firstValue("X-Accel-Buffering").orElseThrow());
            assertEquals(3000L, stream.retry());
            JsonNode first = data(stream.messages().getFirst());
            assertEquals("snapshot", first.at("/event/type").asText());
            assertEquals("running", first.at("/job/status").asText());

            send(token, job, "[{\"type\":\"item_complete\",\"item\":\"a\"},{\"type\":\"job_progress\",\"phase\":\"p\"}]");

            await().atMost(SOON).until(() -> stream.messages().size() == 3);
            List<SseClient.Message> live = stream.messages().subList(1, 3);
            JsonNode item = data(live.get(0));
            assertEquals("item_complete", item.at("/event/type").asText());
            assertEquals(live.get(0).id(), item.at("/event/id").asText(), "the SSE id is the event id");
            assertEquals(1, item.at("/job/progress/current").asInt());
            assertEquals("p", data(live.get(1)).at("/job/progress/phase").asText());
            assertTrue(Long.parseLong(live.get(1).id()) > Long.parseLong(live.get(0).id()));
        }
    }

    @Test
    void aReconnectWithLastEventIdGetsExactlyTheMissedEvents() throws Exception {
        String lastSeen;
        try (SseClient stream = jobStream(Map.of())) {
            await().atMost(SOON).until(() -> stream.messages().size() == 1);
            send(token, job, "{\"type\":\"item_complete\",\"item\":\"seen\"}");
            await().atMost(SOON).until(() -> stream.messages().size() == 2);
            lastSeen = stream.messages().getLast().id();
        }
        send(token, job, "[{\"type\":\"item_complete\",\"item\":\"missed-1\"},{\"type\":\"item_complete\",\"item\":\"missed-2\"}]");
        send(token, job, "{\"type\":\"message\",\"message\":\"missed-3\"}");

        try (SseClient stream = jobStream(Map.of("Last-Event-ID", lastSeen))) {
            await().atMost(SOON).until(() -> stream.messages().size() == 3);
            List<String> replayed = stream.messages().stream().map(m -> data(m).at("/event").path("item")
                    .asText(data(m).at("/event/message").asText())).toList();
            assertEquals(List.of("missed-1", "missed-2", "missed-3"), replayed);
            send(token, job, "{\"type\":\"item_complete\",\"item\":\"live\"}");
            await().atMost(SOON).until(() -> stream.messages().size() == 4);
            assertEquals("live", data(stream.messages().getLast()).at("/event/item").asText());
        }
    }

    @Test
    void aReplayedEventIsTheEventAsItWasStreamedLive() throws Exception {
        String lastSeen;
        List<JsonNode> live;
        try (SseClient stream = jobStream(Map.of())) {
            await().atMost(SOON).until(() -> stream.messages().size() == 1);
            send(token, job, "{\"type\":\"message\",\"message\":\"before\"}");
            await().atMost(SOON).until(() -> stream.messages().size() == 2);
            lastSeen = stream.messages().getLast().id();
            send(token, job, """
                    [{"type":"item_complete","item":"a","worker":"w-1","seq":7},
                     {"type":"item_fail","item":"b","error":"said \\"no\\", then {}","errorClass":"E"},
                     {"type":"message","message":"ünïcode ✓","level":"warning","data":{"n":[1,2]}}]""");
            await().atMost(SOON).until(() -> stream.messages().size() == 5);
            live = stream.messages().subList(2, 5).stream().map(m -> data(m).get("event")).toList();
        }

        try (SseClient stream = jobStream(Map.of("Last-Event-ID", lastSeen))) {
            await().atMost(SOON).until(() -> stream.messages().size() == 3);
            List<JsonNode> replayed = stream.messages().stream().map(m -> data(m).get("event")).toList();
            assertEquals(live, replayed, "the stored timeline rows are the events streams carried");
            for (SseClient.Message message : stream.messages()) {
                assertEquals(message.id(), data(message).at("/event/id").asText());
            }
        }
    }

    @Test
    void aLastEventIdTheTimelineCannotServeGetsAResetAndTheSnapshot() throws Exception {
        try (SseClient stream = jobStream(Map.of("Last-Event-ID", "999999999"))) {
            await().atMost(SOON).until(() -> stream.messages().size() == 2);
            assertEquals("reset", data(stream.messages().get(0)).at("/event/type").asText());
            assertEquals("snapshot", data(stream.messages().get(1)).at("/event/type").asText());
        }
    }

    @Test
    void heartbeatCommentsKeepAnIdleStreamAlive() {
        try (SseClient stream = jobStream(Map.of())) {
            await().atMost(SOON).until(() -> stream.comments().contains("keepalive"));
        }
    }

    @Test
    void aJobStreamEndsAfterTheTerminalEventAndAFinishedReconnectGets204() {
        String last;
        try (SseClient stream = jobStream(Map.of())) {
            await().atMost(SOON).until(() -> stream.messages().size() == 1);
            send(token, job, "{\"type\":\"job_complete\"}");
            await().atMost(SOON).until(stream::ended);
            last = stream.messages().getLast().id();
            assertEquals("completed", data(stream.messages().getLast()).at("/job/status").asText());
        }
        try (SseClient again = jobStream(Map.of("Last-Event-ID", last))) {
            assertEquals(204, again.status());
        }
    }

    @Test
    void theGlobalStreamCarriesEveryJobOfTheProjectFilteredByStatus() {
        String other = Api.uniqueJob();
        try (SseClient all = open("/api/stream?access_token=" + token, Map.of());
                SseClient failedOnly = open("/api/stream?status=failed&access_token=" + token, Map.of())) {
            await().atMost(SOON).until(() -> all.messages().size() == 1);
            assertEquals(job, data(all.messages().getFirst()).at("/job/id").asText());
            assertEquals("snapshot", data(all.messages().getFirst()).at("/event/type").asText());

            send(token, other, "{\"type\":\"job_start\"}");
            send(token, other, "{\"type\":\"job_fail\",\"error\":\"boom\"}");
            send(Api.token(Api.uniqueProject(), "ingest"), "foreign", "{\"type\":\"job_start\"}");

            await().atMost(SOON).until(() -> all.messages().size() == 3);
            await().atMost(SOON).until(() -> failedOnly.messages().size() == 1);
            assertEquals("job_fail", data(failedOnly.messages().getFirst()).at("/event/type").asText());
            assertTrue(all.messages().stream().noneMatch(m -> data(m).at("/job/id").asText().equals("foreign")),
                    "another project's job never shows up");
        }
    }

    @Test
    void theGlobalStreamAnnouncesAJobCreatedBeforeAnyWorkerReports() {
        try (SseClient stream = open("/api/stream?access_token=" + token, Map.of())) {
            await().atMost(SOON).until(() -> stream.messages().size() == 1);
            as(token).contentType("application/json").body("{\"id\":\"announced\",\"name\":\"New\"}")
                    .post("/api/jobs").then().statusCode(201);
            await().atMost(SOON).until(() -> stream.messages().size() == 2);
            JsonNode created = data(stream.messages().getLast());
            assertEquals("job_created", created.at("/event/type").asText());
            assertEquals("pending", created.at("/job/status").asText());
        }
    }

    @Test
    void theGlobalStreamReplaysMissedEventsOfItsProject() {
        String lastSeen;
        try (SseClient stream = open("/api/stream?access_token=" + token, Map.of())) {
            await().atMost(SOON).until(() -> stream.messages().size() == 1);
            lastSeen = stream.messages().getFirst().id();
        }
        send(token, job, "{\"type\":\"item_complete\",\"item\":\"missed\"}");
        try (SseClient stream = open("/api/stream?access_token=" + token, Map.of("Last-Event-ID", lastSeen))) {
            await().atMost(SOON).until(() -> stream.messages().size() == 1);
            assertEquals("missed", data(stream.messages().getFirst()).at("/event/item").asText());
        }
    }

    @Test
    void reopeningTheGlobalStreamOfAnUnchangedProjectReadsNoDatabaseRow() {
        try (SseClient first = open("/api/stream?access_token=" + token, Map.of())) {
            await().atMost(SOON).until(() -> first.messages().size() == 1);
        }
        long connectionsBefore = dataSource.getMetrics().acquireCount();

        for (int dashboard = 0; dashboard < 5; dashboard++) {
            try (SseClient stream = open("/api/stream?access_token=" + token, Map.of())) {
                await().atMost(SOON).until(() -> stream.messages().size() == 1);
                assertEquals(job, data(stream.messages().getFirst()).at("/job/id").asText());
            }
        }

        assertEquals(connectionsBefore, dataSource.getMetrics().acquireCount(), "database connections taken");
    }

    @Test
    void aGlobalStreamOpenedAfterAChangeStartsFromTheChangedJob() {
        try (SseClient before = open("/api/stream?access_token=" + token, Map.of())) {
            await().atMost(SOON).until(() -> before.messages().size() == 1);
            assertEquals(0, data(before.messages().getFirst()).at("/job/progress/current").asInt());
        }
        send(token, job, "{\"type\":\"item_complete\",\"item\":\"while-nobody-watched\"}");
        String other = Api.uniqueJob();
        send(token, other, "{\"type\":\"job_start\"}");

        try (SseClient after = open("/api/stream?access_token=" + token, Map.of())) {
            await().atMost(SOON).until(() -> after.messages().size() == 2);
            Map<String, JsonNode> jobs = after.messages().stream().map(StreamTest::data)
                    .collect(java.util.stream.Collectors.toMap(m -> m.at("/job/id").asText(), m -> m.at("/job")));
            assertEquals(1, jobs.get(job).at("/progress/current").asInt());
            assertEquals("running", jobs.get(other).at("/status").asText());
        }
    }

    @Test
    void theQueryTokenIsAcceptedOnStreamsOnly() {
        as("nobody").queryParam("access_token", token).get("/api/jobs/{id}", job).then().statusCode(401);
        io.restassured.RestAssured.given().queryParam("access_token", token).get("/api/jobs/{id}", job)
                .then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer realm=\"progress-hub\""));
        try (SseClient stream = jobStream(Map.of())) {
            assertEquals(200, stream.status());
        }
    }

    @Test
    void revokingATokenEndsItsStreamsWithTokenRevokedAndReconnectingIsRefused() {
        String reader = Api.token(project, "read");
        String readerId = tokenId(reader);
        try (SseClient stream = open("/api/jobs/" + job + "/stream?access_token=" + reader, Map.of());
                SseClient global = open("/api/stream?access_token=" + reader, Map.of());
                SseClient otherToken = jobStream(Map.of())) {
            await().atMost(SOON).until(() -> stream.messages().size() == 1 && global.messages().size() == 1
                    && otherToken.messages().size() == 1);

            Api.admin().delete("/api/tokens/{id}", readerId).then().statusCode(204);

            await().atMost(SOON).until(() -> stream.ended() && global.ended());
            assertTrue(stream.comments().contains("token revoked"));
            assertTrue(global.comments().contains("token revoked"));
            send(token, job, "{\"type\":\"message\",\"message\":\"still here\"}");
            await().atMost(SOON).until(() -> otherToken.messages().size() == 2);
            assertTrue(!otherToken.ended(), "another token's stream goes on");
        }
        try (SseClient again = open("/api/jobs/" + job + "/stream?access_token=" + reader, Map.of())) {
            assertEquals(401, again.status());
        }
    }

    @Test
    void aStreamEndsWhenItsTokenExpires() {
        String shortLived = Api.admin().contentType("application/json")
                .body(Map.of("name", "short", "project", project, "scopes", List.of("read"),
                        "expiresAt", java.time.Instant.now().plusSeconds(4).toString()))
                .post("/api/tokens").then().statusCode(201).extract().<String>path("token");
        try (SseClient stream = open("/api/jobs/" + job + "/stream?access_token=" + shortLived, Map.of())) {
            assertEquals(200, stream.status());
            await().atMost(Duration.ofSeconds(20)).until(stream::ended);
            assertTrue(stream.comments().contains("token revoked"));
        }
    }

    private static String tokenId(String secret) {
        return as(secret).get("/api/me").then().statusCode(200).extract().path("tokenId");
    }

    private SseClient jobStream(Map<String, String> headers) {
        return open("/api/jobs/" + job + "/stream?access_token=" + token, headers);
    }

    private SseClient open(String path, Map<String, String> headers) {
        return SseClient.open(base.toString().replaceAll("/$", "") + path, headers);
    }

    private static JsonNode data(SseClient.Message message) {
        try {
            return JSON.readTree(message.data());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
