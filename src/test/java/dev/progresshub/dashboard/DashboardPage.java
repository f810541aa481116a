package dev.progresshub.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard as the browser test sees it: where things are, and waiting for them to change. */
final class DashboardPage {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(100);

    private final ChromeDriver browser;
    private final URL root;

    DashboardPage(ChromeDriver browser, URL root) {
        this.browser = browser;
        this.root = root;
    }

    /** A fresh page load with the token in the fragment, as a shared link would open it. */
    void open(String token) {
        browser.get("about:blank");
        browser.get(root + "#token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        waitUntil("the dashboard opens (token accepted, job list shown)",
                () -> browser.findElement(By.id("dashboard")).isDisplayed());
    }

    /** The same, with filters in the address (e.g. {@code label=suite:x}), as a bookmarked view. */
    void open(String token, String query) {
        browser.get("about:blank");
        browser.get(root + "?" + query + "#token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        waitUntil("the dashboard opens with " + query, () -> browser.findElement(By.id("dashboard")).isDisplayed());
    }

        void waitForConnection(String expected) {
        waitUntil("the connection indicator says '" + expected + "' (it says '" + connectionText() + "')",
                () -> connectionText().equals(expected));
    }

    String connectionText() {
        return browser.findElement(By.id("connection-text")).getText();
    }

    String identityText() {
        return browser.findElement(By.id("identity")).getText();
    }

    WebElement card(String jobId) {
        return browser.findElement(By.cssSelector(cardSelector(jobId)));
    }

    /** The card of a job in one project: an admin sees the same job id in several. */
    WebElement card(String project, String jobId) {
        return browser.findElement(By.cssSelector(cardSelector(jobId) + "[data-project='" + project + "']"));
    }

    boolean hasCard(String project, String jobId) {
        return !browser.findElements(By.cssSelector(cardSelector(jobId) + "[data-project='" + project + "']")).isEmpty();
    }

    boolean hasCard(String jobId) {
        return !browser.findElements(By.cssSelector(cardSelector(jobId))).isEmpty();
    }

    WebElement inCard(String jobId, String css) {
        return card(jobId).findElement(By.cssSelector(css));
    }

    List<WebElement> allInCard(String jobId, String css) {
        return card(jobId).findElements(By.cssSelector(css));
    }

    String text(String jobId, String css) {
        return inCard(jobId, css).getText();
    }

    WebElement overallBar(String jobId) {
        return inCard(jobId, ".overall [role=progressbar]");
    }

    WebElement stage(String jobId, String stage) {
        return inCard(jobId, ".stage[data-stage='" + stage + "']");
    }

    boolean stageShown(String jobId, String stage) {
        List<WebElement> found = allInCard(jobId, ".stage[data-stage='" + stage + "']");
        return !found.isEmpty() && found.getFirst().isDisplayed();
    }

    WebElement controlButton(String jobId, String action) {
        return inCard(jobId, "button[data-action='" + action + "']");
    }

    /** The width the bar is drawn towards (the fill's style, not the animated frame). */
    String fillWidth(WebElement bar) {
        return (String) script("return arguments[0].querySelector('.bar-fill').style.width", bar);
    }

    void openEvents(String jobId) {
        WebElement details = inCard(jobId, "details.job-events");
        if (details.getDomProperty("open") == null || !Boolean.parseBoolean(details.getDomProperty("open"))) {
            details.findElement(By.tagName("summary")).click();
        }
    }

    List<WebElement> eventRows(String jobId) {
        return allInCard(jobId, ".event-row");
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    void waitUntil(String description, Supplier<Boolean> condition) {
        new WebDriverWait(browser, TIMEOUT, POLL)
                .ignoring(StaleElementReferenceException.class)
                .withMessage(() -> "waited " + TIMEOUT.toSeconds() + " s for: " + description)
                .until(driver -> condition.get());
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Console messages since the last call (Chromium hands each out once). */
    List<String> takeConsoleMessages() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::toString)
                .toList();
    }

    private static String cardSelector(String jobId) {
        return "article.job[data-job-id='" + jobId + "']";
    }
}
