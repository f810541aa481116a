package dev.progresshub.seeds;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.seeds.SeedSupport.json;
import static dev.progresshub.testsupport.Api.uniqueProject;
import static dev.progresshub.testsupport.Api.token;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Seed 000: a scraper's stdout piped to the service ({@code python3 scrape.py | curl -T - …/log}); the admin
 * panel polls the job every 2 seconds and shows current/total, phase and details while the scrape runs.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class Seed000LogIngestTest {

    @TestHTTPResource("/")
    String base;

    /**
     * Uploads like {@code curl -T -}: chunked, on a connection of its own (the JDK client would hold a streamed
     * body's request back on a reused pooled connection).
     */
    private CompletableFuture<HttpResponse<String>> upload(String token, String jobId, InputStream body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/jobs/" + jobId + "/log"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                .build();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The seed's own pipeline, {@code scraper | curl -T -}: a real child process whose stdout a real curl streams
     * chunked to the service, while the panel polls the job.
     */
    @Test
    void aRunningScrapersOutputIsVisibleWhileItIsStillStreaming() throws Exception {
        String token = token(uniqueProject(), "ingest", "read");
        Path gate = Files.createTempFile(Path.of("target"), "scraper-gate", "");
        Files.delete(gate);
        String pipeline = """
                scrape() {
                  echo "PROGRESS: Starting scrape of 5 artists"
                  echo "PROGRESS: Processing artist 1/5: First Artist"
                  echo "Fetching https://example.org/artists/1"
                  echo "PROGRESS: Processing artist 2/5: Second Artist"
                  while [ ! -f "$GATE" ]; do sleep 0.05; done
                  for i in 3 4 5; do echo "PROGRESS: Processing artist $i/5: Artist $i"; done
                  echo "PROGRESS: Completed scraping 5 artists"
                }
                scrape | curl -sS -T - -H "Authorization: Bearer $TOKEN" "$URL"
                """;
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", pipeline);
        builder.environment().putAll(Map.of("GATE", gate.toString(), "TOKEN", token,
                "URL", base + "api/jobs/artists/log"));
        Process upload = builder.start();
        try {
            // the panel's poll, while curl is still uploading and the scraper still running
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertTrue(upload.isAlive(), () -> "the upload ended early: " + output(upload));
                as(token).get("/api/jobs/artists")
                    .then().statusCode(200)
                    .body("status", equalTo("running"))
                    .body("progress.current", equalTo(2))
                    .body("progress.total", equalTo(5))
                    .body("progress.phase", equalTo("Processing artists (2/5)"))
                    .body("progress.details", equalTo("Processing: Second Artist"))
                    .body("progress.currentItem", equalTo("Second Artist"));
            });
            assertTrue(upload.isAlive(), "the scraper and its upload are still running");

            Files.createFile(gate);
            assertTrue(upload.waitFor(30, TimeUnit.SECONDS));
            JsonNode tally = json(output(upload));
            assertEquals(8, tally.get("lines").asInt());
            assertEquals(1, tally.get("ignored").asInt());
            assertEquals(0, tally.get("parseErrors").asInt());
            assertEquals("completed", tally.at("/job/status").asText());
            as(token).get("/api/jobs/artists").then()
                    .body("status", equalTo("completed"))
                    .body("progress.current", equalTo(5))
                    .body("progress.percent", equalTo(100.0f))
                    .body("progress.message", equalTo("Completed scraping 5 artists"));
        } finally {
            upload.descendants().forEach(ProcessHandle::destroyForcibly);
            upload.destroyForcibly();
            Files.deleteIfExists(gate);
        }
    }

    private static String output(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void tqdmJsonAnsiAndBrokenLinesAreParsedCountedOrIgnored() throws Exception {
        String token = token(uniqueProject(), "ingest", "read");
        String log = "\u001B[32mStarting\u001B[0m\n"
                + "Downloading:   0%|          | 0/40 [00:00<?, ?it/s]\r"
                + "Downloading:  25%|██▌       | 10/40 [00:02<00:06,  4.50it/s]\r"
                + "Downloading:  50%|█████     | 20/40 [00:04<00:04,  4.50it/s]\n"
                + "{\"type\":\"message\",\"message\":\"halfway\",\"level\":\"info\"}\n"
                + "{\"type\":\"item_fail\",\"item\":\"x\"}\n"
                + "x".repeat(70_000) + "\n"
                + "plain chatter\n";
        HttpResponse<String> answer = upload(token, "tqdm-job",
                new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode tally = json(answer.body());
        assertEquals(7, tally.get("lines").asInt());
        assertEquals(4, tally.get("events").asInt());
        assertEquals(1, tally.get("parseErrors").asInt());
        assertEquals(1, tally.get("overlongLines").asInt());
        assertEquals(2, tally.get("ignored").asInt());
        assertEquals("running", tally.at("/job/status").asText());
        as(token).get("/api/jobs/tqdm-job").then()
                .body("progress.current", equalTo(20))
                .body("progress.total", equalTo(40))
                .body("progress.phase", equalTo("Downloading"));
        as(token).get("/api/jobs/tqdm-job/events?type=message").then().body("items[0].message", equalTo("halfway"));
    }

    @Test
    void anEndlessStreamIsNotCutAtTheBodyLimit() throws Exception {
        String token = token(uniqueProject(), "ingest", "read");
        // ~6 MiB of chatter (3x the global body limit) between two markers
        byte[] chatter = "DEBUG fetching page with a long url https://example.org/some/path?x=1\n".repeat(1000)
                .getBytes(StandardCharsets.UTF_8);
        var parts = new java.util.ArrayList<InputStream>();
        parts.add(new ByteArrayInputStream("PROGRESS: Starting download of 90 files\n".getBytes(StandardCharsets.UTF_8)));
        IntStream.range(0, 90).forEach(i -> {
            parts.add(new ByteArrayInputStream(chatter));
            parts.add(new ByteArrayInputStream(("PROGRESS: Processing file " + (i + 1) + "/90: f" + i + ".wav\n")
                    .getBytes(StandardCharsets.UTF_8)));
        });
        HttpResponse<String> answer = upload(token, "endless", new SequenceInputStream(Collections.enumeration(parts)))
                .get(60, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode(), answer.body());
        as(token).get("/api/jobs/endless").then()
                .body("progress.current", equalTo(90))
                .body("progress.phase", equalTo("Processing files (90/90)"))
                .body("progress.currentItem", equalTo("f89.wav"));
    }

    @Test
    void refusalsAreProblemsLikeEverywhereElse() throws Exception {
        String project = uniqueProject();
        String ingest = token(project, "ingest", "read");
        String readOnly = token(project, "read");
        given().body("PROGRESS: Starting scrape of 1 artists\n").post("/api/jobs/x/log").then()
                .statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer")).body("status", equalTo(401));
        as(readOnly).body("x\n").post("/api/jobs/x/log").then()
                .statusCode(403).contentType("application/problem+json").body("title", equalTo("Forbidden"));
        as(ingest).contentType("application/json").body("{}").post("/api/jobs/x/log").then()
                .statusCode(415).contentType("application/problem+json");
        as(ingest).contentType("text/plain").body("x\n").post("/api/jobs/bad%20id/log").then()
                .statusCode(400).body("errors[0].field", equalTo("id"));

        as(ingest).contentType("text/plain; charset=utf-8").body("PROGRESS: Completed scraping 3 artists\n")
                .post("/api/jobs/done/log").then().statusCode(200).body("job.status", equalTo("completed"));
        as(ingest).contentType("text/plain").body("PROGRESS: Processing artist 1/3: A\n")
                .post("/api/jobs/done/log").then()
                .statusCode(409).contentType("application/problem+json").body("detail", containsString("completed"));
    }
}
