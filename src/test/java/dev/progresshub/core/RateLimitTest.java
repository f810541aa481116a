package dev.progresshub.core;

import static dev.progresshub.testsupport.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(RateLimitTest.TightLimit.class)
@WithTestResource(PostgresTestResource.class)
class RateLimitTest {

    /** A burst of 5 and one request per minute after it. */
    public static class TightLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("progress-hub.limits.requests-per-second", "0.0167", "progress-hub.limits.burst", "5");
        }
    }

    @Test
    void aTokenOverItsRateGets429WithRetryAfterAndOtherTokensAreUnaffected() {
        String project = Api.uniqueProject();
        String busy = Api.token(project, "read");
        for (int i = 0; i < 5; i++) {
            as(busy).get("/api/jobs").then().statusCode(200);
        }
        as(busy).get("/api/jobs").then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", equalTo("60")).body("detail", containsString("retry after"));
        as(Api.token(project, "read")).get("/api/jobs").then().statusCode(200);
    }
}
