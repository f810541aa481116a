package dev.progresshub.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link StreamApiTest} against the packaged application (the native binary with {@code -Dnative}). */
@QuarkusIntegrationTest
class StreamApiIT extends StreamApiTest {
}
