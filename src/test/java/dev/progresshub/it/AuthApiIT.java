package dev.progresshub.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link AuthApiTest} against the packaged application (the native binary with {@code -Dnative}). */
@QuarkusIntegrationTest
class AuthApiIT extends AuthApiTest {
}
