package dev.progresshub.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link PollApiTest} against the packaged application (the native binary with {@code -Dnative}). */
@QuarkusIntegrationTest
class PollApiIT extends PollApiTest {
}
