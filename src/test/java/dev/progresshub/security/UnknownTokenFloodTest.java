package dev.progresshub.security;

import static dev.progresshub.testsupport.Api.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * CONTRACT section 8, "nothing one caller sends can take the service down", for token guessing: a flood of
 * distinct, well-formed, unknown bearer tokens from one address makes PostgreSQL look up no more tokens than
 * that address's failed-authentication allowance (TightBounds: 3 per second, burst 3), however many requests
 * and however many of them at once; the rest is refused with 429 before any database work. Lookups are
 * counted by PostgreSQL itself (pg_stat_statements, read over a connection of the test's own).
 */
@QuarkusTest
@TestProfile(TightBounds.class)
@WithTestResource(PostgresTestResource.class)
class UnknownTokenFloodTest {

    private static final double ALLOWANCE_PER_SECOND = 3;
    private static final double ALLOWANCE_BURST = 3;
    private static final int GUESSES = 300;
    /** Connections sending at once: a flood does not wait for one answer before sending the next guess. */
    private static final int SENDERS = 16;

    String project;
    String job;
    String inUse;

    @BeforeEach
    void tokenInUseAndAFullAllowance() throws SQLException {
        try (Connection connection = database(); Statement statement = connection.createStatement()) {
            statement.execute("create extension if not exists pg_stat_statements");
        }
        project = Api.uniqueProject();
        job = Api.uniqueJob();
        inUse = Api.token(project, "read", "ingest");
        // earlier tests of this profile may have spent the address's allowance: a token not seen before is
        // only looked up once some is back (probing with a guess would spend what it waits for)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> as(inUse).get("/api/jobs").statusCode() == 200);
        Api.send(inUse, job, "{\"type\":\"job_start\"}");
    }

    @Test
    void aFloodOfUnknownTokensCostsLookupsBoundedByTheAllowanceAndTheTokenInUseIsStillServed() throws Exception {
        long lookupsBefore = tokenLookups();
        long started = System.nanoTime();
        List<Response> answers = flood();
        double seconds = (System.nanoTime() - started) / 1e9;
        long lookups = tokenLookups() - lookupsBefore;

        Map<Integer, Long> byStatus = answers.stream()
                .collect(Collectors.groupingBy(Response::statusCode, Collectors.counting()));
        assertEquals(Set.of(401, 429), byStatus.keySet(), "refused as unknown, then as too many: " + byStatus);
        for (Response answer : answers) {
            if (answer.statusCode() == 429) {
                answer.then().contentType("application/problem+json").header("Retry-After", notNullValue())
                        .body("detail", containsString("failed-auth-per-second"));
            } else {
                answer.then().header("WWW-Authenticate", containsString("Bearer"));
            }
        }
        // what the address's bucket can have handed out while the flood lasted, whatever its speed
        double allowance = ALLOWANCE_BURST + ALLOWANCE_PER_SECOND * seconds;
        assertTrue(lookups <= allowance, lookups + " token lookups reached PostgreSQL for " + GUESSES
                + " guesses in " + seconds + " s; the allowance is " + allowance);
        assertEquals(byStatus.get(401), lookups, "each 401 cost one lookup, each 429 none");
        assertTrue(allowance < GUESSES / 5.0, "the flood is far beyond the allowance (" + allowance + ")");

        // the address is past its limit, yet the token in use is known here: served, reading and writing
        as(inUse).get("/api/jobs/{id}", job).then().statusCode(200).body("status", equalTo("running"));
        as(inUse).contentType(ContentType.JSON).body("{\"type\":\"job_progress\",\"current\":1}")
                .post("/api/jobs/{id}/events", job).then().statusCode(200).body("accepted", equalTo(1));
    }

    @Test
    void aRepeatedUnknownTokenIsLookedUpOnceThen429() throws Exception {
        String guess = guess();
        long lookupsBefore = tokenLookups();

        answer(guess, 0).then().statusCode(401);
        assertEquals(1, tokenLookups() - lookupsBefore, "the first time, PostgreSQL is asked");
        Response answer;
        int attempts = 1;
        do {
            if (++attempts > 50) {
                throw new AssertionError("no 429 after 50 failed authentications from one address");
            }
            answer = answer(guess, attempts);
        } while (answer.statusCode() == 401);
        answer.then().statusCode(429).header("Retry-After", notNullValue());
        assertEquals(1, tokenLookups() - lookupsBefore, "while it is remembered as unknown, never again");
    }

    /** The guesses, sent from {@link #SENDERS} connections at once, alternating a read and a write. */
    private List<Response> flood() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<Response>> sent = new ArrayList<>();
            for (int i = 0; i < GUESSES; i++) {
                int n = i;
                sent.add(senders.submit(() -> answer(guess(), n)));
            }
            List<Response> answers = new ArrayList<>();
            for (Future<Response> answer : sent) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            senders.shutdownNow();
        }
    }

    private Response answer(String token, int n) {
        return n % 2 == 0 ? as(token).get("/api/jobs")
                : as(token).contentType(ContentType.JSON).body("{\"type\":\"job_start\"}")
                        .post("/api/jobs/{id}/events", job);
    }

    /** Well-formed (ph_ + 43 URL-safe characters), so it is looked up unless refused first. */
    private static String guess() {
        String random = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        return "ph_" + random.substring(0, 43);
    }

    /** Executions of the token lookup (the query by token_hash) in PostgreSQL since it started. */
    private static long tokenLookups() throws SQLException {
        try (Connection connection = database(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select coalesce(sum(calls), 0) from pg_stat_statements"
                        + " where query ilike '%from api_token%' and query ilike '%token_hash=%'")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static Connection database() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }
}
