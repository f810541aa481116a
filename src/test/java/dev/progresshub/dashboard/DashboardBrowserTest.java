package dev.progresshub.dashboard;

import static dev.progresshub.dashboard.HubApi.ADMIN_TOKEN;
import static dev.progresshub.dashboard.HubApi.createJob;
import static dev.progresshub.dashboard.HubApi.createToken;
import static dev.progresshub.dashboard.HubApi.event;
import static dev.progresshub.dashboard.HubApi.requestedState;
import static dev.progresshub.dashboard.HubApi.send;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The dashboard in a real headless Chromium against the real service and PostgreSQL: a job driven through
 * the API moves the page's bars and counters, stage bars come and go, hostile text stays text, and the
 * control buttons act. Screenshots: target/dashboard.png (desktop) and target/dashboard-phone.png (360 px).
 * Without /usr/bin/chromium and /usr/bin/chromedriver the class is skipped, loudly, unless CI is set.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DashboardBrowserTest extends BrowserTestBase {

    private static final String XSS_MESSAGE = "<img src=x onerror=alert(1)>";
    private static final List<String> ALL_SCOPES = List.of("read", "ingest", "control");

    @Test
    void showsLiveBarsStagesSafeTextAndWorkingControls() {
        String token = createToken("browser-operator", ALL_SCOPES);
        page.open(token);
        page.waitForConnection("Live");
        page.takeConsoleMessages();
        assertFalse(browser.getCurrentUrl().contains(token), "the token is taken out of the address bar");
        assertTrue(page.identityText().contains("read & control"), page.identityText());

        String jobId = newJobId();
        String name = "Scrape " + XSS_MESSAGE + " artists";
        createJob(token, jobId, name);
        send(token, jobId, event("job_start", "total", 10));
        page.waitUntil("the new job's card appears without a reload", () -> page.hasCard(jobId));

        checkOverallBarMoves(token, jobId);
        checkStageBarsComeAndGo(token, jobId);
        checkHostileTextStaysText(token, jobId, name);
        saveScreenshots();
        checkControls(token, jobId);

        List<String> console = page.takeConsoleMessages();
        assertTrue(console.stream().noneMatch(line -> line.contains("Content Security Policy")
                || line.contains("Uncaught")), "the page runs clean under its CSP: " + console);
    }

    private void checkOverallBarMoves(String token, String jobId) {
        send(token, jobId,
                event("job_progress", "current", 3, "total", 10, "phase", "Scraping artists (3/10)",
                        "details", "Processing: <i>Artist Three</i>", "currentItem", "<b>Artist Three</b>"));
        waitForOverall(jobId, "3 / 10", "30");
        assertEquals("30%", page.text(jobId, ".job-percent"));
        assertEquals("Scraping artists (3/10)", page.text(jobId, ".job-phase"));
        assertEquals("running", page.text(jobId, ".badge").toLowerCase());

        send(token, jobId, event("job_progress", "current", 7, "total", 10, "phase", "Scraping artists (7/10)",
                "currentItem", "Artist Seven"));
        waitForOverall(jobId, "7 / 10", "70");
        assertEquals("70%", page.fillWidth(page.overallBar(jobId)));
        assertEquals("Artist Seven", page.text(jobId, ".job-current-item"));
    }

    private void waitForOverall(String jobId, String counter, String ariaValue) {
        page.waitUntil("the overall bar shows " + counter + " (aria-valuenow " + ariaValue + ")",
                () -> counter.equals(page.text(jobId, ".job-counter"))
                        && ariaValue.equals(page.overallBar(jobId).getAttribute("aria-valuenow")));
    }

    /** Seed 004: one bar per stage, shown while that stage runs, gone when it completes. */
    private void checkStageBarsComeAndGo(String token, String jobId) {
        send(token, jobId, event("stage_start", "stage", "download", "total", 4),
                event("stage_start", "stage", "extract", "total", 2));
        page.waitUntil("both stage bars appear",
                () -> page.stageShown(jobId, "download") && page.stageShown(jobId, "extract"));
        assertEquals("0 / 4", page.stage(jobId, "download").findElement(By.cssSelector(".stage-counter")).getText());

        send(token, jobId, event("item_complete", "stage", "download", "item", "a.mp4"),
                event("item_complete", "stage", "download", "item", "b.mp4"));
        page.waitUntil("the download bar moves to 2 / 4 (50%)", () -> {
            WebElement download = page.stage(jobId, "download");
            return "2 / 4".equals(download.findElement(By.cssSelector(".stage-counter")).getText())
                    && "50".equals(download.findElement(By.cssSelector("[role=progressbar]"))
                            .getAttribute("aria-valuenow"));
        });

        send(token, jobId, event("stage_complete", "stage", "download"));
        page.waitUntil("the completed download bar disappears while extract stays",
                () -> !page.stageShown(jobId, "download") && page.stageShown(jobId, "extract"));
        send(token, jobId, event("item_complete", "stage", "extract", "item", "a.wav"));
        page.waitUntil("the extract bar moves to 1 / 2", () -> "1 / 2"
                .equals(page.stage(jobId, "extract").findElement(By.cssSelector(".stage-counter")).getText()));
    }

    private void checkHostileTextStaysText(String token, String jobId, String name) {
        send(token, jobId, event("message", "message", XSS_MESSAGE));
        page.openEvents(jobId);
        page.waitUntil("the message event is listed, as text",
                () -> page.eventRows(jobId).stream().anyMatch(row -> row.getText().contains(XSS_MESSAGE)));

        assertEquals(name, page.text(jobId, ".job-name"));
        assertEquals("Processing: <i>Artist Three</i>", page.text(jobId, ".job-details"));
        assertTrue(page.eventRows(jobId).size() <= 20, "at most the 20 most recent events");
        assertTrue(browser.findElements(By.cssSelector("#jobs img, #jobs b, #jobs i, #jobs script")).isEmpty(),
                "no element was created from job data");
        assertNull(ExpectedConditions.alertIsPresent().apply(browser), "no script ran from job data");

        WebElement messageRow = page.eventRows(jobId).stream()
                .filter(row -> row.getText().contains(XSS_MESSAGE)).findFirst().orElseThrow();
        messageRow.click();
        WebElement dialog = browser.findElement(By.id("event-dialog"));
        page.waitUntil("the event's data opens", dialog::isDisplayed);
        assertTrue(browser.findElement(By.id("event-dialog-body")).getText().contains("\"message\": \"" + XSS_MESSAGE),
                "the dialog shows the event's JSON as text");
        browser.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        page.waitUntil("Escape closes the event dialog", () -> !dialog.isDisplayed());
    }

    private void saveScreenshots() {
        page.screenshot(TARGET.resolve("dashboard.png"));
        HeadlessChromium.emulateWidth(browser, 360, 1400);
        try {
            page.waitUntil("the page lays out at 360 px without sideways scrolling",
                    () -> Objects.equals(360L, page.script("return document.documentElement.scrollWidth")));
            page.screenshot(TARGET.resolve("dashboard-phone.png"));
        } finally {
            HeadlessChromium.stopEmulation(browser);
        }
    }

    private void checkControls(String token, String jobId) {
        page.controlButton(jobId, "pause").click();
        page.waitUntil("the pause request reaches the service",
                () -> "paused".equals(requestedState(token, jobId)));
        page.waitUntil("the card says a pause was requested",
                () -> page.text(jobId, ".requested").equals("pause requested"));

        send(token, jobId, event("job_pause"));
        page.waitUntil("the worker's confirmation shows: paused, with a Resume button",
                () -> page.text(jobId, ".badge").equalsIgnoreCase("paused")
                        && page.controlButton(jobId, "resume").isDisplayed()
                        && !page.controlButton(jobId, "pause").isDisplayed());

        page.controlButton(jobId, "resume").sendKeys(Keys.ENTER); // keyboard works as well as a click
        page.waitUntil("the resume request reaches the service", () -> requestedState(token, jobId) == null);
        send(token, jobId, event("job_resume"));
        page.waitUntil("running again, with a Pause button",
                () -> page.text(jobId, ".badge").equalsIgnoreCase("running")
                        && page.controlButton(jobId, "pause").isDisplayed());

        WebElement cancel = page.controlButton(jobId, "cancel");
        cancel.click();
        assertEquals("Confirm cancel", cancel.getText(), "cancel asks for a second click");
        assertNull(requestedState(token, jobId), "one click does not cancel");
        cancel.click();
        page.waitUntil("the cancel request reaches the service",
                () -> "cancelled".equals(requestedState(token, jobId)));
        send(token, jobId, event("job_cancel"));
        page.waitUntil("the job shows cancelled and its controls are gone",
                () -> page.text(jobId, ".badge").equalsIgnoreCase("cancelled")
                        && !page.inCard(jobId, ".controls").isDisplayed());
    }

    @Test
    void readOnlyTokenSeesJobsButNoControls() {
        String worker = createToken("browser-worker", ALL_SCOPES);
        String reader = createToken("browser-reader", List.of("read"));
        String jobId = newJobId();
        createJob(worker, jobId, "Read-only view");
        send(worker, jobId, event("job_start", "total", 4), event("job_progress", "current", 1));

        page.open(reader);
        page.waitUntil("the job is listed", () -> page.hasCard(jobId));
        waitForOverall(jobId, "1 / 4", "25");
        assertTrue(page.identityText().contains("read only"), page.identityText());
        assertFalse(page.inCard(jobId, ".controls").isDisplayed(), "no controls without the control scope");
        assertTrue(page.allInCard(jobId, "button[data-action]").stream().noneMatch(WebElement::isDisplayed));

        Select status = new Select(browser.findElement(By.id("filter-status")));
        status.selectByValue("completed");
        page.waitUntil("a status filter hides the running job", () -> !page.hasCard(jobId));
        assertTrue(browser.getCurrentUrl().contains("status=completed"), "filters are kept in the address");
        status.selectByValue("running");
        page.waitUntil("the running filter lists it again", () -> page.hasCard(jobId));
        browser.findElement(By.cssSelector("#filters button[type=reset]")).click();
        page.waitUntil("clearing the filters keeps it listed", () -> page.hasCard(jobId)
                && !browser.getCurrentUrl().contains("status="));
    }

    /** Without EventSource the page polls every 2 s, with If-None-Match, and still moves. */
    @Test
    void fallsBackToConditionalPollingWithoutStreams() {
        String token = createToken("browser-poller", ALL_SCOPES);
        String jobId = newJobId();
        createJob(token, jobId, "Polled job");
        send(token, jobId, event("job_start", "total", 20), event("job_progress", "current", 2));

        Object script = browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                Map.of("source", "delete window.EventSource;")).get("identifier");
        try {
            page.open(token);
            page.waitForConnection("Polling every 2 s");
            waitForOverall(jobId, "2 / 20", "10");
            page.waitUntil("an unchanged job is answered 304 Not Modified", () -> Boolean.TRUE.equals(page.script(
                    "return performance.getEntriesByType('resource').some(e => e.name.includes('api/jobs/' + "
                            + "arguments[0]) && e.responseStatus === 304)",
                    jobId)));
            send(token, jobId, event("job_progress", "current", 15));
            waitForOverall(jobId, "15 / 20", "75");
        } finally {
            browser.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script));
        }
    }

    /** The service sends a CSP without inline scripts, and the browser enforces it on the page. */
    @Test
    void pageIsServedWithAStrictContentSecurityPolicy() {
        given().when().get("/")
                .then().statusCode(200)
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", not(containsString("unsafe-inline")));

        page.open(createToken("browser-csp", List.of("read")));
        Object ran = page.script("window.inlineRan = false;"
                + "const s = document.createElement('script'); s.textContent = 'window.inlineRan = true;';"
                + "document.head.append(s); return window.inlineRan;");
        assertEquals(Boolean.FALSE, ran, "an inline script is refused by the page's CSP");
        page.takeConsoleMessages(); // the refusal above is logged; do not leak it into other tests
    }

    private static String newJobId() {
        return "browser-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * An admin sees every project, where one job id can exist twice: each card acts on its own job (cards were
     * keyed by id alone and sent no ?project=, so control landed on "default").
     */
    @Test
    void anAdminPausesTheJobOfTheCardItClickedNotTheSameIdInDefault() {
        String project = "p-" + UUID.randomUUID().toString().substring(0, 8);
        String jobId = "job-" + UUID.randomUUID().toString().substring(0, 8);
        startJobIn("default", jobId, "Same id in default");
        startJobIn(project, jobId, "Same id elsewhere");

        page.open(ADMIN_TOKEN);
        page.waitForConnection("Live");
        page.waitUntil("both jobs have a card", () -> page.hasCard("default", jobId) && page.hasCard(project, jobId));

        page.card(project, jobId).findElement(By.cssSelector("button[data-action='pause']")).click();
        page.waitUntil("the pause reaches the job of that project",
                () -> "paused".equals(requestedStateIn(project, jobId)));
        assertNull(requestedStateIn("default", jobId), "the job with the same id in default is untouched");
        page.waitUntil("that card says a pause was requested", () -> "pause requested"
                .equals(page.card(project, jobId).findElement(By.cssSelector(".requested")).getText()));
        assertFalse(page.card("default", jobId).findElement(By.cssSelector(".requested")).isDisplayed());

        given().auth().oauth2(ADMIN_TOKEN).queryParam("project", project).contentType(ContentType.JSON)
                .body(List.of(event("job_progress", "current", 3, "total", 4)))
                .post("/api/jobs/{id}/events", jobId).then().statusCode(200);
        page.waitUntil("a live event of that project moves its own card", () -> "3 / 4"
                .equals(page.card(project, jobId).findElement(By.cssSelector(".job-counter")).getText()));
    }

    private static void startJobIn(String project, String jobId, String name) {
        given().auth().oauth2(ADMIN_TOKEN).queryParam("project", project).contentType(ContentType.JSON)
                .body(Map.of("id", jobId, "name", name, "heartbeatSeconds", 3600))
                .post("/api/jobs").then().statusCode(201);
        given().auth().oauth2(ADMIN_TOKEN).queryParam("project", project).contentType(ContentType.JSON)
                .body(List.of(event("job_start", "total", 4))).post("/api/jobs/{id}/events", jobId)
                .then().statusCode(200);
    }

    private static String requestedStateIn(String project, String jobId) {
        return given().auth().oauth2(ADMIN_TOKEN).queryParam("project", project).get("/api/jobs/{id}", jobId)
                .then().statusCode(200).extract().path("requestedState");
    }
}
