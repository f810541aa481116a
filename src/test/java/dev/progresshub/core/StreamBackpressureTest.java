package dev.progresshub.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.SseClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** A client that stops reading costs a bounded queue, then gets reset + snapshot; the others never wait. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class StreamBackpressureTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 10;
    private static final int EVENTS_PER_REQUEST = 120;
    private static final String PAD = "x".repeat(7000);

    @TestHTTPResource("/")
    URL base;

    @Test
    void aClientThatStopsReadingGetsResetAndSnapshotWhenItCatchesUpAndTheOthersGetEverything() throws Exception {
        String token = Api.token(Api.uniqueProject(), "ingest", "read");
        String job = Api.uniqueJob();
        Api.send(token, job, "{\"type\":\"job_start\",\"total\":100000}");
        String path = "/api/jobs/" + job + "/stream?access_token=" + token;

        try (Socket stalled = new Socket(); SseClient reading = SseClient.open(base.toString().replaceAll("/$", "") + path, Map.of())) {
            stalled.setReceiveBufferSize(4096); // before connecting, so the window stays small
            stalled.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            stalled.setSoTimeout(60_000);
            OutputStream out = stalled.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader lines = new BufferedReader(new InputStreamReader(stalled.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(nextData(lines).at("/event/type").asText().equals("snapshot"));
            await().atMost(Duration.ofSeconds(10)).until(() -> reading.messages().size() == 1);

            // ~9 MB of events while the stalled client reads nothing: far beyond socket buffers + 256 messages
            int sent = 0;
            for (int r = 0; r < REQUESTS; r++) {
                List<String> batch = new ArrayList<>();
                for (int e = 0; e < EVENTS_PER_REQUEST; e++) {
                    sent++;
                    batch.add("{\"type\":\"job_progress\",\"current\":" + sent + ",\"data\":{\"pad\":\"" + PAD + "\"}}");
                }
                Api.send(token, job, "[" + String.join(",", batch) + "]");
            }
            int total = sent;
            await().atMost(Duration.ofSeconds(60)).until(() -> reading.messages().size() == 1 + total);

            long previousId = -1;
            JsonNode message;
            do {
                message = nextData(lines);
                long id = message.at("/event/id").asLong();
                assertTrue(id > previousId, "queued messages arrive in order");
                previousId = id;
            } while (!message.at("/event/type").asText().equals("reset"));
            JsonNode snapshot = nextData(lines);
            assertEquals("snapshot", snapshot.at("/event/type").asText());
            assertEquals(total, snapshot.at("/job/progress/current").asInt(), "the snapshot is the job as it is now");
        }
    }

    private static JsonNode nextData(BufferedReader lines) throws Exception {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("data: ")) {
                return JSON.readTree(line.substring(6));
            }
        }
        throw new IllegalStateException("the stream ended");
    }
}
