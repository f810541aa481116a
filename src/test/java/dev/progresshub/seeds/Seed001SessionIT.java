package dev.progresshub.seeds;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link Seed001SessionTest} against the packaged application. With {@code -Dnative} it runs on the native
 * binary, where the session endpoints' bodies and views, in answers and stream messages go through JSON only by
 * the types registered for reflection.
 */
@QuarkusIntegrationTest
class Seed001SessionIT extends Seed001SessionTest {
}
