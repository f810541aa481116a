package dev.progresshub.dashboard;

import java.net.URL;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.chrome.ChromeDriver;

import io.quarkus.test.common.http.TestHTTPResource;

/**
 * One headless Chromium per test class, against the service's root; each test is skipped (or, in CI,
 * failed) with a clear message when the browser is missing. Screenshots and the browser's profile go
 * under target/.
 */
abstract class BrowserTestBase {

    static final Path TARGET = Path.of("target");

    static ChromeDriver browser;

    @TestHTTPResource("/")
    URL root;

    DashboardPage page;

    @BeforeAll
    static void startBrowser(org.junit.jupiter.api.TestInfo test) {
        if (HeadlessChromium.installed()) {
            String name = test.getTestClass().map(Class::getSimpleName).orElse("dashboard");
            browser = HeadlessChromium.start(TARGET.resolve(name + "-browser"));
        }
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    @BeforeEach
    void requireBrowser() {
        HeadlessChromium.assumeInstalled();
        page = new DashboardPage(browser, root);
    }
}
