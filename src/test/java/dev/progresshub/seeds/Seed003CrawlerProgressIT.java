package dev.progresshub.seeds;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link Seed003CrawlerProgressTest} against the packaged application. With {@code -Dnative} it runs on the
 * native binary, where the crawler's reports and their answers go through JSON only by the types registered for
 * reflection.
 */
@QuarkusIntegrationTest
class Seed003CrawlerProgressIT extends Seed003CrawlerProgressTest {
}
