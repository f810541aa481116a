package dev.progresshub.seeds;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.uniqueProject;
import static dev.progresshub.testsupport.Api.token;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Seed 004: "Both" mode of a playlist tool. Downloading and audio extraction run at the same time, as two
 * workers reporting into one job; the UI shows one bar per active phase with its own status, counts and
 * the download's batch info ("25/100 total (75 remaining)").
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class Seed004ParallelPhasesTest {

    private static final String JOB = "playlist-my-music";

    private static void report(String token, String worker, long seq, Map<String, Object> event) {
        Map<String, Object> withWorker = new java.util.HashMap<>(event);
        withWorker.put("worker", worker);
        withWorker.put("seq", seq);
        as(token).contentType(ContentType.JSON).body(withWorker).post("/api/jobs/" + JOB + "/events")
                .then().statusCode(200);
    }

    private static ValidatableResponse job(String token) {
        return as(token).get("/api/jobs/" + JOB).then().statusCode(200);
    }

    @Test
    void downloadAndExtractionProgressSideBySide() {
        String token = token(uniqueProject(), "ingest", "read");
        as(token).contentType(ContentType.JSON).body(Map.of("id", JOB, "name", "Playlist: My Music",
                "operation", "both", "stages", List.of(Map.of("name", "download", "total", 10),
                        Map.of("name", "extract", "total", 10))))
                .post("/api/jobs").then().statusCode(201);
        job(token).body("stages[0].status", equalTo("pending")).body("stages[1].status", equalTo("pending"));

        // the downloader runs first; batch 3 of a 100-video playlist: 20 done before this batch
        report(token, "downloader", 1, Map.of("type", "stage_start", "stage", "download", "total", 10));
        for (int i = 1; i <= 5; i++) {
            report(token, "downloader", 1 + i, Map.of("type", "item_complete", "stage", "download", "item", "video" + i));
        }
        report(token, "downloader", 7, Map.of("type", "stage_progress", "stage", "download", "completed", 5,
                "batchInfo", "25/100 total (75 remaining)"));
        job(token).body("stages[0].status", equalTo("running"))
                .body("stages[0].completed", equalTo(5))
                .body("stages[0].total", equalTo(10))
                .body("stages[0].batchInfo", equalTo("25/100 total (75 remaining)"))
                .body("stages[1].status", equalTo("pending"));

        // extraction starts while downloading continues: both workers report at the same time
        CompletableFuture<Void> downloads = CompletableFuture.runAsync(() -> {
            for (int i = 6; i <= 9; i++) {
                report(token, "downloader", 2 + i, Map.of("type", "item_complete", "stage", "download",
                        "item", "video" + i));
            }
            report(token, "downloader", 12, Map.of("type", "item_fail", "stage", "download", "item", "video10",
                    "error", "HTTP 403", "errorClass", "http_403"));
        });
        CompletableFuture<Void> extraction = CompletableFuture.runAsync(() -> {
            report(token, "extractor", 1, Map.of("type", "stage_start", "stage", "extract", "total", 10));
            for (int i = 1; i <= 3; i++) {
                report(token, "extractor", 1 + i, Map.of("type", "item_complete", "stage", "extract",
                        "item", "video" + i + ".mp3"));
            }
        });
        CompletableFuture.allOf(downloads, extraction).join();
        // the UI example: "Downloading 9/10 (+1 failed)" and "Extracting Audio 3/10", both running
        job(token).body("status", equalTo("running"))
                .body("stages[0].status", equalTo("running"))
                .body("stages[0].completed", equalTo(9))
                .body("stages[0].failed", equalTo(1))
                .body("stages[0].percent", equalTo(100.0f))
                .body("stages[1].status", equalTo("running"))
                .body("stages[1].completed", equalTo(3))
                .body("stages[1].total", equalTo(10))
                .body("stages[1].batchInfo", equalTo("3/10 total (7 remaining)"));

        // download finishes; only the extraction bar stays active
        report(token, "downloader", 13, Map.of("type", "stage_complete", "stage", "download"));
        List<CompletableFuture<Void>> extracting = new ArrayList<>();
        for (int i = 4; i <= 9; i++) {
            int n = i;
            extracting.add(CompletableFuture.runAsync(() -> report(token, "extractor", 1 + n,
                    Map.of("type", "item_complete", "stage", "extract", "item", "video" + n + ".mp3"))));
        }
        extracting.forEach(CompletableFuture::join);
        // a retry of an already applied report is not counted twice
        report(token, "extractor", 10, Map.of("type", "item_complete", "stage", "extract", "item", "video9.mp3"));
        job(token).body("stages[0].status", equalTo("completed"))
                .body("stages[0].finishedAt", org.hamcrest.Matchers.notNullValue())
                .body("stages[1].status", equalTo("running"))
                .body("stages[1].completed", equalTo(9));

        report(token, "extractor", 11, Map.of("type", "stage_complete", "stage", "extract", "completed", 9));
        report(token, "extractor", 12, Map.of("type", "job_complete",
                "message", "Download and extraction completed"));
        job(token).body("status", equalTo("completed"))
                .body("stages[1].status", equalTo("completed"))
                .body("progress.message", equalTo("Download and extraction completed"))
                .body("finishedAt", org.hamcrest.Matchers.notNullValue());
    }
}
