package dev.progresshub.dashboard;

import static dev.progresshub.dashboard.HubApi.ADMIN_TOKEN;
import static dev.progresshub.dashboard.HubApi.event;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * An admin's dashboard shows every project, where one job id can exist twice: each card acts on its own
 * job. (It used to key cards by id alone and send no {@code ?project=}, so control landed on "default".)
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class AdminProjectBrowserTest {

    private static ChromeDriver browser;

    @TestHTTPResource("/")
    URL root;

    private DashboardPage page;

    @BeforeAll
    static void startBrowser() {
        if (HeadlessChromium.installed()) {
            browser = HeadlessChromium.start(Path.of("target", "dashboard-admin-browser"));
        }
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void requireBrowser() {
        HeadlessChromium.assumeInstalled();
        page = new DashboardPage(browser, root);
    }

    @Test
    void anAdminPausesTheJobOfTheCardItClickedNotTheSameIdInDefault() {
        String project = "p-" + UUID.randomUUID().toString().substring(0, 8);
        String jobId = "job-" + UUID.randomUUID().toString().substring(0, 8);
        startJob("default", jobId, "Same id in default");
        startJob(project, jobId, "Same id elsewhere");

        page.open(ADMIN_TOKEN);
        page.waitForConnection("Live");
        page.waitUntil("both jobs have a card", () -> page.hasCard("default", jobId) && page.hasCard(project, jobId));

        page.card(project, jobId).findElement(By.cssSelector("button[data-action='pause']")).click();
        page.waitUntil("the pause reaches the job of that project",
                () -> "paused".equals(requestedState(project, jobId)));
        assertNull(requestedState("default", jobId), "the job with the same id in default is untouched");
        page.waitUntil("that card says a pause was requested", () -> "pause requested"
                .equals(page.card(project, jobId).findElement(By.cssSelector(".requested")).getText()));
        assertFalse(page.card("default", jobId).findElement(By.cssSelector(".requested")).isDisplayed());

        given().auth().oauth2(ADMIN_TOKEN).queryParam("project", project).contentType(ContentType.JSON)
                .body(List.of(event("job_progress", "current", 3, "total", 4)))
                .post("/api/jobs/{id}/events", jobId).then().statusCode(200);
        page.waitUntil("a live event of that project moves its own card", () -> "3 / 4"
                .equals(page.card(project, jobId).findElement(By.cssSelector(".job-counter")).getText()));
    }

    private static void startJob(String project, String jobId, String name) {
        given().auth().oauth2(ADMIN_TOKEN).queryParam("project", project).contentType(ContentType.JSON)
                .body(Map.of("id", jobId, "name", name, "heartbeatSeconds", 3600))
                .post("/api/jobs").then().statusCode(201);
        given().auth().oauth2(ADMIN_TOKEN).queryParam("project", project).contentType(ContentType.JSON)
                .body(List.of(event("job_start", "total", 4))).post("/api/jobs/{id}/events", jobId)
                .then().statusCode(200);
    }

    private static String requestedState(String project, String jobId) {
        return given().auth().oauth2(ADMIN_TOKEN).queryParam("project", project).get("/api/jobs/{id}", jobId)
                .then().statusCode(200).extract().path("requestedState");
    }
}
