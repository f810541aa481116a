package dev.progresshub.dashboard;

import static dev.progresshub.dashboard.HubApi.createJob;
import static dev.progresshub.dashboard.HubApi.createToken;
import static dev.progresshub.dashboard.HubApi.event;
import static dev.progresshub.dashboard.HubApi.meStatus;
import static dev.progresshub.dashboard.HubApi.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.progresshub.scheduler.StallDetector;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What the dashboard says must agree with itself and with the job: cards of one row line up, an unknown
 * total reads "7 items" (never "7 / ?" or a percent out of nowhere), no ETA on a job that is not moving, a
 * stalled job says how long it has been silent, and an admin manages tokens on the page. Real Chromium,
 * real service and PostgreSQL, as {@link DashboardBrowserTest}; skipped the same way without a browser.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DashboardReadingTest extends BrowserTestBase {

    private static final List<String> ALL_SCOPES = List.of("read", "ingest", "control");

    @Inject
    StallDetector stallDetector;

    @Test
    void cardsOfOneRowHaveTheSameHeight() {
        String token = createToken("browser-heights", ALL_SCOPES);
        String suite = "heights-" + UUID.randomUUID().toString().substring(0, 8);
        String plain = suite + "-plain";
        String busy = suite + "-busy";
        createJob(token, plain, "Plain job", Map.of("suite", suite), 3600);
        createJob(token, busy, "Busy job", Map.of("suite", suite), 3600);
        send(token, plain, event("job_start", "total", 10));
        send(token, busy, event("job_start", "total", 10),
                event("job_progress", "current", 2, "details", "Processing: a long description of the work",
                        "currentItem", "item-2", "message", "warming up"),
                event("stage_start", "stage", "download", "total", 4), event("stage_start", "stage", "extract", "total", 4),
                event("item_fail", "stage", "download", "item", "x", "error", "timeout", "errorClass", "timeout"));

        page.open(token, "label=suite:" + suite);
        page.waitUntil("both cards are shown, the busy one with its stage bars",
                () -> page.hasCard(plain) && page.hasCard(busy) && page.stageShown(busy, "extract"));
        Map<?, ?> plainBox = box(plain);
        Map<?, ?> busyBox = box(busy);
        assertEquals(plainBox.get("top"), busyBox.get("top"), "at 1280 px both cards are in one row");
        assertTrue(((Number) busyBox.get("content")).doubleValue() > ((Number) plainBox.get("content")).doubleValue() + 50,
                "the busy card has much more to show: " + plainBox + " / " + busyBox);
        assertEquals(((Number) plainBox.get("height")).doubleValue(), ((Number) busyBox.get("height")).doubleValue(), 1.0,
                "cards of one row are of one height");
    }

    /** The card's height and top, and the height of what it shows above its events panel. */
    private Map<?, ?> box(String jobId) {
        return (Map<?, ?>) page.script("const card = arguments[0]; const r = card.getBoundingClientRect();"
                + "const last = card.querySelector('.stats').getBoundingClientRect();"
                + "return {top: Math.round(r.top), height: r.height, content: last.bottom - r.top};", page.card(jobId));
    }

    @Test
    void withoutATotalTheCardCountsItemsAndShowsNoPercent() {
        String token = createToken("browser-unknown-total", ALL_SCOPES);
        String jobId = newJobId();
        createJob(token, jobId, "Crawl of unknown size");
        send(token, jobId, event("job_start"), event("job_progress", "current", 7, "phase", "Crawling"),
                event("stage_start", "stage", "discover"), event("item_complete", "stage", "discover", "item", "a"));

        page.open(token);
        page.waitUntil("the card shows 7 items", () -> page.hasCard(jobId) && "7 items".equals(page.text(jobId, ".job-counter")));
        assertEquals("", page.text(jobId, ".job-percent"), "no percent without a total");
        assertEquals("unknown", page.card(jobId).getDomAttribute("data-percent"));
        assertNull(page.overallBar(jobId).getDomAttribute("aria-valuenow"), "an indeterminate bar");
        assertFalse(page.card(jobId).getText().contains("/ ?"), "never \"/ ?\": " + page.card(jobId).getText());
        WebElement stage = page.stage(jobId, "discover");
        assertEquals("1 item", stage.findElement(By.cssSelector(".stage-counter")).getText());

        send(token, jobId, event("job_progress", "total", 20));
        page.waitUntil("with a total it reads 7 / 20 and 35%", () -> "7 / 20".equals(page.text(jobId, ".job-counter"))
                && "35%".equals(page.text(jobId, ".job-percent")));
    }

    @Test
    void noEtaWhilePausedOrStalledAndAStalledJobSaysHowLongItIsSilent() {
        String token = createToken("browser-eta", ALL_SCOPES);
        String jobId = newJobId();
        createJob(token, jobId, "Job with an ETA", Map.of("suite", "browser"), 5);
        send(token, jobId, event("job_start", "total", 100), event("job_progress", "current", 10),
                event("stage_start", "stage", "download", "total", 50), event("item_complete", "stage", "download", "item", "a"));
        send(token, jobId, event("job_progress", "current", 20), event("item_complete", "stage", "download", "item", "b"));

        page.open(token);
        page.waitUntil("a running job shows its ETA, and so does its running stage", () -> page.hasCard(jobId) && etaShown(jobId)
                && page.stage(jobId, "download").getText().contains("ETA"));
        send(token, jobId, event("job_pause"));
        page.waitUntil("a paused job shows no ETA, neither for the job nor for its stage",
                () -> "paused".equalsIgnoreCase(page.text(jobId, ".badge")) && !etaShown(jobId)
                        && !page.stage(jobId, "download").getDomProperty("textContent").contains("ETA"));
        send(token, jobId, event("job_resume"), event("job_progress", "current", 30));
        page.waitUntil("running again, the ETA is back", () -> etaShown(jobId));
        assertFalse(page.inCard(jobId, ".job-silence").isDisplayed(), "a running job has no silence note");

        assertTrue(stallDetector.sweep(Instant.now().plusSeconds(10)) >= 1, "the silent job is marked stalled");
        page.waitUntil("a stalled job shows no ETA and how long it has been silent",
                () -> "stalled".equalsIgnoreCase(page.text(jobId, ".badge")) && !etaShown(jobId)
                        && page.text(jobId, ".job-silence").matches("Last update \\d+ s ago"));
        String first = page.text(jobId, ".job-silence");
        page.waitUntil("the silence keeps counting (" + first + ")", () -> !first.equals(page.text(jobId, ".job-silence")));
        assertFalse(page.stage(jobId, "download").getDomProperty("textContent").contains("ETA"), "no stage ETA either");
    }

    private boolean etaShown(String jobId) {
        return page.inCard(jobId, ".job-eta").isDisplayed() && !page.text(jobId, ".job-eta").isBlank();
    }

    @Test
    void anAdminCreatesATokenSeesItOnceAndRevokesIt() {
        page.open(createToken("browser-not-admin", List.of("read")));
        assertFalse(browser.findElement(By.id("open-tokens")).isDisplayed(), "no Tokens page for a project token");

        page.open(HubApi.ADMIN_TOKEN);
        WebElement open = browser.findElement(By.id("open-tokens"));
        page.waitUntil("an admin token gets the Tokens page", open::isDisplayed);
        open.click();
        page.waitUntil("the token page replaces the job list", () -> browser.findElement(By.id("tokens-page")).isDisplayed()
                && !browser.findElement(By.id("dashboard")).isDisplayed());

        String name = "made-in-browser-" + UUID.randomUUID().toString().substring(0, 8);
        browser.findElement(By.id("new-token-name")).sendKeys(name);
        browser.findElement(By.cssSelector("#token-create input[value=ingest]")).click(); // read only
        browser.findElement(By.cssSelector("#token-create button[type=submit]")).click();
        WebElement secret = browser.findElement(By.id("new-token-secret"));
        page.waitUntil("the new token's secret is shown", () -> secret.isDisplayed() && !secret.getText().isBlank());
        String token = secret.getText();
        assertEquals(200, meStatus(token), "the shown secret is a working token");
        WebElement row = tokenRow(name);
        assertEquals("read", row.findElement(By.xpath("td[3]")).getText());
        assertFalse(row.getText().contains(token), "the list never shows a secret");

        browser.findElement(By.id("dismiss-token")).click();
        page.waitUntil("Done forgets the secret", () -> !secret.isDisplayed() && secret.getDomProperty("textContent").isEmpty());

        WebElement revoke = tokenRow(name).findElement(By.cssSelector("button[data-action=revoke]"));
        revoke.click();
        assertEquals("Confirm revoke", revoke.getText(), "revoking asks for a second click");
        assertEquals(200, meStatus(token), "one click revokes nothing");
        revoke.click();
        page.waitUntil("the row says revoked", () -> tokenRow(name).findElement(By.cssSelector(".token-status")).getText().startsWith("revoked"));
        assertEquals(401, meStatus(token), "the revoked token is refused");

        browser.findElement(By.id("close-tokens")).click();
        page.waitUntil("back to the jobs", () -> browser.findElement(By.id("dashboard")).isDisplayed());
    }

    private WebElement tokenRow(String name) {
        return browser.findElements(By.cssSelector("#token-rows tr")).stream()
                .filter(row -> row.findElement(By.cssSelector(".token-name")).getText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no row for token " + name));
    }

    private static String newJobId() {
        return "reading-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
