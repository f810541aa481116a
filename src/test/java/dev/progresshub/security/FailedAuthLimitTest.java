package dev.progresshub.security;

import static dev.progresshub.testsupport.Api.admin;
import static dev.progresshub.testsupport.Api.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManagerFactory;

import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * CONTRACT section 8: failed authentications per client address are limited (429 + Retry-After) before any
 * database work, an unknown token costs at most one lookup per cache period, and a token in use keeps
 * being served from the same address meanwhile.
 */
@QuarkusTest
@TestProfile(TightBounds.class)
@WithTestResource(PostgresTestResource.class)
class FailedAuthLimitTest {

    @Inject
    EntityManagerFactory entityManagerFactory;

    @Test
    void guessesAreCutOffBeforeTheDatabaseWhileTokensInUseAreStillServed() {
        String project = Api.uniqueProject();
        String job = Api.uniqueJob();
        String inUse = Api.token(project, "read", "ingest");
        as(inUse).get("/api/jobs").then().statusCode(200);
        Statistics statistics = entityManagerFactory.unwrap(SessionFactory.class).getStatistics();

        long before = statistics.getQueryExecutionCount();
        as("not-even-shaped-like-a-token").get("/api/jobs").then().statusCode(401);
        assertEquals(before, statistics.getQueryExecutionCount(), "a string that cannot be a token needs no lookup");

        String guess = "ph_" + "g".repeat(43);
        as(guess).get("/api/jobs").then().statusCode(401);
        long afterFirstLookup = statistics.getQueryExecutionCount();
        as(guess).get("/api/jobs").then().statusCode(401);
        assertEquals(afterFirstLookup, statistics.getQueryExecutionCount(), "an unknown token is looked up once");

        // the loop ends at the first 429; whatever the timing, that answer cost no database work
        io.restassured.response.Response answer;
        long queriesBefore;
        int attempts = 0;
        do {
            if (++attempts > 50) {
                throw new AssertionError("no 429 after 50 failed authentications from one address");
            }
            queriesBefore = statistics.getQueryExecutionCount();
            answer = as("ph_" + Integer.toString(attempts, 36).repeat(43).substring(0, 43))
                    .contentType(ContentType.JSON).body("{\"type\":\"job_start\"}").post("/api/jobs/{id}/events", job);
        } while (answer.statusCode() == 401);
        answer.then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", notNullValue()).body("detail", containsString("failed-auth-per-second"));
        assertEquals(queriesBefore, statistics.getQueryExecutionCount(), "past the limit no database work is done");

        as(inUse).get("/api/jobs").then().statusCode(200);
        admin().queryParam("project", project).get("/api/jobs/{id}", job).then().statusCode(404);

        // the address gets its allowance back: a token not seen before is checked again (and later tests of
        // this profile start clean); probing with a guess would spend the allowance it waits for
        String fresh = Api.token(project, "read");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> as(fresh).get("/api/jobs").statusCode() == 200);
    }
}
