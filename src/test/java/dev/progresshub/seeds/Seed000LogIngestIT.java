package dev.progresshub.seeds;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link Seed000LogIngestTest} against the packaged application. With {@code -Dnative} it runs on the native
 * binary, where a script's output piped into {@code /log}, and the tally it answers go through JSON only by the
 * types registered for reflection.
 */
@QuarkusIntegrationTest
class Seed000LogIngestIT extends Seed000LogIngestTest {
}
