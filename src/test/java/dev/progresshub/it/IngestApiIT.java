package dev.progresshub.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link IngestApiTest} against the packaged application (the native binary with {@code -Dnative}). */
@QuarkusIntegrationTest
class IngestApiIT extends IngestApiTest {
}
