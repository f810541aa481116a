package dev.progresshub.instances;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.ApiClient;
import dev.progresshub.testsupport.EmbeddedDatabase;
import dev.progresshub.testsupport.ServiceProcess;
import dev.progresshub.testsupport.SseClient;

/**
 * SIGTERM: readiness goes down, open streams end with a retry hint, a request already in flight still
 * gets its answer, and the process is gone within 8 seconds.
 */
class ShutdownIT {

    @Test
    void sigtermEndsStreamsWithARetryHintFinishesInFlightRequestsAndExitsWithinEightSeconds() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start();
                ServiceProcess service = ServiceProcess.start("shutdown", db.jdbcUrl())) {
            String id = service.api().createJob("Shutdown", Map.of());
            try (SseClient stream = SseClient.open(service.baseUri() + "/api/jobs/" + id + "/stream",
                    ApiClient.bearer(Api.ADMIN_TOKEN));
                    Socket inFlight = new Socket("localhost", Integer.parseInt(service.baseUri().replaceAll(".*:", "")))) {
                inFlight.setSoTimeout(10_000);
                await().atMost(Duration.ofSeconds(10)).until(() -> stream.messages().size() == 1);
                String event = "{\"type\":\"message\",\"message\":\"sent across a shutdown\"}";
                OutputStream out = inFlight.getOutputStream();
                out.write(("POST /api/jobs/" + id + "/events HTTP/1.1\r\nHost: localhost\r\n"
                        + "Authorization: Bearer " + Api.ADMIN_TOKEN + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + event.length() + "\r\nConnection: close\r\n\r\n"
                        + event.substring(0, 10)).getBytes(StandardCharsets.UTF_8));
                out.flush();
                // another request answered means the server has read what came before on the wire
                service.api().admin().get("/api/jobs/" + id).then().statusCode(200);

                long sigterm = System.nanoTime();
                service.terminate();

                await("readiness DOWN").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                        .until(() -> service.readiness() == 503);
                await("stream ended").atMost(Duration.ofSeconds(3)).until(stream::ended);
                assertTrue(stream.comments().contains("closing"), "closing comment: " + stream.comments());
                assertTrue(stream.retry() != null && stream.retry() > 0, "retry hint");

                out.write(event.substring(10).getBytes(StandardCharsets.UTF_8));
                out.flush();
                String statusLine = new BufferedReader(new InputStreamReader(inFlight.getInputStream(),
                        StandardCharsets.UTF_8)).readLine();
                assertEquals("HTTP/1.1 200 OK", statusLine);

                boolean exited = service.waitForExit(Duration.ofSeconds(8).minusNanos(System.nanoTime() - sigterm));
                Duration took = Duration.ofNanos(System.nanoTime() - sigterm);
                assertTrue(exited, "still running 8 s after SIGTERM; log:\n" + service.logText());
                assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "exit took " + took);
            }
        }
    }
}
