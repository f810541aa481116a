package dev.progresshub.core;

import static dev.progresshub.testsupport.Api.as;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.Resources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * CONTRACT section 8: "an export never pins a request thread while it waits on a slow client". More exports
 * than the worker pool has threads are opened by clients that then read nothing, each of a timeline far
 * larger than what socket buffers and one page hold; requests that need a worker are still answered, and
 * each stalled export, read at last, is the whole timeline.
 */
@QuarkusTest
@TestProfile(ExportBackpressureTest.FewWorkerThreads.class)
@WithTestResource(PostgresTestResource.class)
class ExportBackpressureTest {

    private static final int WORKER_THREADS = 8;

    /** A worker pool small enough to outnumber with open connections. */
    public static class FewWorkerThreads implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.thread-pool.max-threads", String.valueOf(WORKER_THREADS));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STALLED_EXPORTS = WORKER_THREADS + 4;
    /** 6 000 events of ~1 KB: ~6 MB per export, six pages, against a 4 KB receive window. */
    private static final int BATCHES = 12;
    private static final int EVENTS_PER_BATCH = 500;
    private static final String PAD = "x".repeat(900);

    @TestHTTPResource("/")
    URL base;

    @Test
    void readersThatStopReadingHoldNoWorkerAndGetTheWholeTimelineWhenTheyRead() throws Exception {
        String token = Api.token(Api.uniqueProject(), "ingest", "read");
        String job = Api.uniqueJob();
        as(token).contentType(ContentType.JSON).body("{\"id\":\"" + job + "\",\"name\":\"big timeline\"}")
                .post("/api/jobs").then().statusCode(201);
        int current = 0;
        for (int b = 0; b < BATCHES; b++) {
            List<String> batch = new ArrayList<>();
            for (int e = 0; e < EVENTS_PER_BATCH; e++) {
                current++;
                batch.add("{\"type\":\"job_progress\",\"current\":" + current + ",\"data\":{\"pad\":\"" + PAD + "\"}}");
            }
            Api.send(token, job, "[" + String.join(",", batch) + "]");
        }
        int events = 1 + current; // job_created, then the progress reports
        String other = Api.uniqueJob();
        as(token).contentType(ContentType.JSON).body("{\"id\":\"" + other + "\",\"name\":\"small\"}")
                .post("/api/jobs").then().statusCode(201);
        byte[] ndjson = as(token).accept("application/x-ndjson").get("/api/jobs/{id}/events", job).then()
                .statusCode(200).extract().asByteArray();
        byte[] csv = as(token).accept("text/csv").get("/api/jobs/{id}/events", job).then()
                .statusCode(200).extract().asByteArray();
        assertEquals(events, lines(ndjson).size(), "an export read at once has every event");

        List<StalledExport> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < STALLED_EXPORTS; i++) {
                stalled.add(StalledExport.open(base, job, token, i % 2 == 0 ? "application/x-ndjson" : "text/csv"));
            }
            // every export has started (authorized on a worker, headers sent) and none can have finished
            for (StalledExport export : stalled) {
                assertEquals(200, export.status());
            }

            // requests that need a worker thread, answered while every export waits on its reader
            await().atMost(Duration.ofSeconds(60)).until(() -> as(token).contentType(ContentType.JSON)
                    .body("{\"type\":\"job_start\"}").post("/api/jobs/{id}/events", other).statusCode() == 200);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> as(token).get("/api/jobs/{id}", job).statusCode() == 200);
            await().atMost(Duration.ofSeconds(60)).until(() -> as(token).get("/api/jobs").statusCode() == 200);
            await().atMost(Duration.ofSeconds(60)).until(() -> as(token).accept("application/x-ndjson")
                    .get("/api/jobs/{id}/events", other).asString().lines().count() == 2); // job_created, job_start

            for (StalledExport export : stalled) {
                byte[] body = export.readToTheEnd();
                boolean isCsv = export.accept.equals("text/csv");
                assertArrayEquals(isCsv ? csv : ndjson, body, "a stalled export, read at last, is the whole timeline");
                List<String> lines = lines(body);
                assertEquals(isCsv ? 1 + events : events, lines.size());
                if (!isCsv) {
                    assertEquals(current, JSON.readTree(lines.getLast()).path("current").asInt());
                }
            }
        } finally {
            Resources.closeAll(stalled.toArray(AutoCloseable[]::new));
        }
    }

    private static List<String> lines(byte[] body) {
        return new String(body, StandardCharsets.UTF_8).lines().toList();
    }

    /** An export requested over a plain socket that reads only the status line until told to read the rest. */
    private static final class StalledExport implements AutoCloseable {

        private final Socket socket;
        private final InputStream in;
        final String accept;

        private StalledExport(Socket socket, String accept) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.accept = accept;
        }

        static StalledExport open(URL base, String job, String token, String accept) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096); // before connecting, so the window stays small
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/jobs/" + job + "/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nAccept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new StalledExport(socket, accept);
        }

        /** The status of the answer; reads its head only. */
        int status() throws IOException {
            int status = Integer.parseInt(line().substring(9, 12));
            String header;
            do {
                header = line();
            } while (!header.isEmpty());
            return status;
        }

        /** The chunked body, to its last chunk. */
        byte[] readToTheEnd() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().strip(), 16); size > 0; size = Integer.parseInt(line().strip(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            line();
            return body.toByteArray();
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed mid-answer");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
