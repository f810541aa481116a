package dev.progresshub.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium driven by Debian's chromedriver, both at fixed paths: Selenium Manager never runs and
 * nothing is downloaded. Install both with {@code .ci/install-chromium}.
 */
final class HeadlessChromium {

    static final Path CHROMIUM = Path.of(System.getProperty("dashboard.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("dashboard.chromedriver", "/usr/bin/chromedriver"));

    private static final List<String> FLAGS = List.of(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-US");

    /**
     * Kept referenced so the level sticks: the test uses no Selenium DevTools module (CDP commands go through
     * chromedriver), so the "no CDP implementation matching" warning is noise.
     */
    private static final Logger CDP_VERSION_LOG = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private HeadlessChromium() {
    }

    /**
     * Skips the calling test class, loudly, when the browser is missing; in CI (env {@code CI} set) a
     * missing browser fails instead, so the browser test can never silently stop running there.
     */
    static void assumeInstalled() {
        List<String> missing = missing();
        if (missing.isEmpty()) {
            return;
        }
        String message = "DashboardBrowserTest needs Debian's chromium and chromium-driver, but " + missing
                + " is missing. Install them with .ci/install-chromium (apt-get install chromium chromium-driver).";
        if (runningInCi()) {
            Assertions.fail(message + " CI is set, so a missing browser is a failure, not a skip.");
        }
        System.err.printf("%n*** SKIPPED: %s ***%n%n", message);
        Assumptions.abort("SKIPPED: " + message);
    }

    static boolean installed() {
        return missing().isEmpty();
    }

    private static List<String> missing() {
        return Stream.of(CHROMIUM, CHROMEDRIVER)
                .filter(path -> !Files.isExecutable(path))
                .map(Path::toString)
                .toList();
    }

    static boolean runningInCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
    }

    /** A new browser with a fresh profile under {@code workDir}; chromedriver logs to workDir too. */
    static ChromeDriver start(Path workDir) {
        Path profile = workDir.resolve("profile");
        deleteRecursively(profile);
        createDirectories(workDir);
        CDP_VERSION_LOG.setLevel(Level.SEVERE);
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(workDir.resolve("chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile.toAbsolutePath());
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        return new ChromeDriver(service, options);
    }

    /** Lays the page out as a phone (or any width) would, through the DevTools protocol. */
    static void emulateWidth(ChromeDriver browser, int width, int height) {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
    }

    static void stopEmulation(ChromeDriver browser) {
        browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not clear the old browser profile " + dir, e);
        }
    }
}
