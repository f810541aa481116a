package dev.progresshub.inputs;

import static dev.progresshub.testsupport.Api.as;
import static dev.progresshub.testsupport.Api.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The CSV export keeps what a progress report said: current, total, phase, details, current item. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class CsvExportTest {

    @Test
    void jobProgressRowsKeepTheirProgressFields() {
        String token = Api.token(Api.uniqueProject(), "ingest", "read");
        String job = Api.uniqueJob();
        send(token, job, "[{\"type\":\"job_start\",\"total\":150},{\"type\":\"job_progress\",\"current\":45,"
                + "\"phase\":\"Scraping artists (45/150)\",\"details\":\"Processing: Artist Name\","
                + "\"currentItem\":\"Artist Name\"},{\"type\":\"stage_progress\",\"stage\":\"download\","
                + "\"completed\":25,\"failed\":1,\"batchInfo\":\"batch 2\"}]");

        List<String> lines = as(token).accept("text/csv").get("/api/jobs/{id}/events", job)
                .then().statusCode(200).extract().asString().lines().toList();
        List<String> header = List.of(lines.getFirst().split(","));
        List<String> progress = List.of(lines.get(2).split(",", -1));
        List<String> stage = List.of(lines.get(3).split(",", -1));

        assertEquals("job_progress", progress.get(header.indexOf("type")));
        assertEquals("45", progress.get(header.indexOf("current")));
        assertEquals("Scraping artists (45/150)", progress.get(header.indexOf("phase")));
        assertEquals("Processing: Artist Name", progress.get(header.indexOf("details")));
        assertEquals("Artist Name", progress.get(header.indexOf("currentItem")));
        assertEquals("25", stage.get(header.indexOf("completed")));
        assertEquals("1", stage.get(header.indexOf("failed")));
        assertEquals("batch 2", stage.get(header.indexOf("batchInfo")));
        assertEquals("150", List.of(lines.get(1).split(",", -1)).get(header.indexOf("total")));
    }
}
