package dev.progresshub.instances;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.EmbeddedDatabase;
import dev.progresshub.testsupport.ServiceProcess;
import io.restassured.http.ContentType;

/** An acknowledged write is committed: a SIGKILL in the middle of ingest loses nothing that got a 2xx. */
class CrashIT {

    private static final int WORKERS = 6;
    private static final int BATCH = 5;

    @Test
    void everyAcknowledgedEventIsInTheDatabaseAfterASigkill() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start()) {
            Map<String, Set<Long>> acknowledged = new ConcurrentHashMap<>();
            String id;
            try (ServiceProcess service = ServiceProcess.start("crash", db.jdbcUrl())) {
                id = service.api().createJob("Crash under load", Map.of());
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> workers = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    String worker = "w" + w;
                    acknowledged.put(worker, ConcurrentHashMap.newKeySet());
                    workers.add(Thread.ofPlatform().name("ingest-" + worker)
                            .start(() -> ingestUntilRefused(service.baseUri(), id, worker, acknowledged.get(worker), stop)));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> total(acknowledged) >= 600);

                service.kill();
                stop.set(true);
                for (Thread worker : workers) {
                    worker.join(Duration.ofSeconds(30));
                }
            }

            try (ServiceProcess restarted = ServiceProcess.start("crash-restarted", db.jdbcUrl())) {
                Map<String, Set<Long>> stored = storedSequences(db, id);
                for (var entry : acknowledged.entrySet()) {
                    Set<Long> missing = new HashSet<>(entry.getValue());
                    missing.removeAll(stored.getOrDefault(entry.getKey(), Set.of()));
                    assertTrue(missing.isEmpty(), entry.getKey() + " lost acknowledged seqs " + missing);
                }
                // nothing half-applied: a request's batch is stored whole or not at all, and the job's counts
                // were committed with exactly these rows
                int storedEvents = 0;
                for (var entry : stored.entrySet()) {
                    Map<Long, Long> perBatch = entry.getValue().stream()
                            .collect(Collectors.groupingBy(seq -> (seq - 1) / BATCH, Collectors.counting()));
                    perBatch.forEach((batchNumber, count) -> assertEquals(BATCH, count,
                            entry.getKey() + " batch " + batchNumber + " stored in part"));
                    storedEvents += entry.getValue().size();
                }
                restarted.api().admin().get("/api/jobs/" + id).then().statusCode(200)
                        .body("progress.current", equalTo(storedEvents));
                // the restarted instance knows them too: a retry of an acknowledged batch is a duplicate
                restarted.api().admin().contentType(ContentType.JSON).body(batch("w0", 1))
                        .post("/api/jobs/" + id + "/events")
                        .then().statusCode(200).body("duplicates", equalTo(BATCH), "accepted", equalTo(0));
            }
            assertTrue(total(acknowledged) >= 600);
        }
    }

    /** One worker: batches of item events with growing seqs; a seq counts as acknowledged only on a 2xx. */
    private static void ingestUntilRefused(String baseUri, String id, String worker, Set<Long> acknowledged,
            AtomicBoolean stop) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (long seq = 1; !stop.get(); seq += BATCH) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUri + "/api/jobs/" + id + "/events"))
                    .header("Authorization", "Bearer " + Api.ADMIN_TOKEN)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(batch(worker, seq)))
                    .build();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    LongStream.range(seq, seq + BATCH).forEach(acknowledged::add);
                }
            } catch (IOException e) {
                return; // the service is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String batch(String worker, long firstSeq) {
        return LongStream.range(firstSeq, firstSeq + BATCH)
                .mapToObj(seq -> "{\"type\":\"item_complete\",\"item\":\"" + worker + "-" + seq + "\",\"worker\":\""
                        + worker + "\",\"seq\":" + seq + "}")
                .collect(Collectors.joining(",", "[", "]"));
    }

    private static Map<String, Set<Long>> storedSequences(EmbeddedDatabase db, String id) throws Exception {
        Map<String, Set<Long>> stored = new ConcurrentHashMap<>();
        try (Connection connection = db.connect(); PreparedStatement query = connection.prepareStatement(
                "select body->>'worker', (body->>'seq')::bigint from job_event where job_id = ? and body->>'seq' is not null")) {
            query.setString(1, id);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    stored.computeIfAbsent(rows.getString(1), w -> new HashSet<>()).add(rows.getLong(2));
                }
            }
        }
        return stored;
    }

    private static int total(Map<String, Set<Long>> acknowledged) {
        return acknowledged.values().stream().mapToInt(Set::size).sum();
    }
}
