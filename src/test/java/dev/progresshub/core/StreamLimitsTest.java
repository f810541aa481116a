package dev.progresshub.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.SseClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The stream bounds of CONTRACT section 8, with small caps: per token 429, per instance 503. */
@QuarkusTest
@TestProfile(StreamLimitsTest.SmallCaps.class)
@WithTestResource(PostgresTestResource.class)
class StreamLimitsTest {

    private static final Duration SOON = Duration.ofSeconds(10);

    /** Two streams per token, three per instance. */
    public static class SmallCaps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("progress-hub.limits.streams-per-token", "2",
                    "progress-hub.limits.streams-per-instance", "3");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void streamsBeyondTheTokenCapGet429AndBeyondTheInstanceCap503() {
        String project = Api.uniqueProject();
        String busy = Api.token(project, "ingest", "read");
        String other = Api.token(project, "read");
        String job = Api.uniqueJob();
        Api.send(busy, job, "{\"type\":\"job_start\"}");
        List<SseClient> open = new ArrayList<>();
        try {
            open.add(stream(job, busy));
            open.add(stream(job, busy));
            open.forEach(s -> assertEquals(200, s.status()));

            try (SseClient third = stream(job, busy)) {
                assertEquals(429, third.status());
                assertEquals("application/problem+json", third.response().headers().firstValue("Content-Type").orElseThrow());
                assertEquals("3", third.response().headers().firstValue("Retry-After").orElseThrow());
            }
            open.add(stream(job, other));
            assertEquals(200, open.getLast().status());
            try (SseClient fourth = stream(job, Api.token(project, "read"))) {
                assertEquals(503, fourth.status());
                assertEquals("3", fourth.response().headers().firstValue("Retry-After").orElseThrow());
            }

            open.removeFirst().close();
            await().atMost(SOON).until(() -> {
                SseClient again = stream(job, busy);
                if (again.status() == 200) {
                    open.add(again);
                    return true;
                }
                again.close();
                return false;
            });
        } finally {
            open.forEach(SseClient::close);
        }
    }

    private SseClient stream(String job, String token) {
        return SseClient.open(base.toString().replaceAll("/$", "") + "/api/jobs/" + job + "/stream?access_token=" + token,
                Map.of());
    }
}
