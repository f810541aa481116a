package dev.progresshub.security;

import static dev.progresshub.testsupport.Api.as;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.SseClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** CONTRACT section 1: query-string credentials never reach a log, the access log included. */
@QuarkusTest
@TestProfile(TightBounds.class)
@WithTestResource(PostgresTestResource.class)
class CredentialRedactionTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void queryStringCredentialsAreRedactedInTheLog() {
        String token = Api.token(Api.uniqueProject(), "read");
        String ticket = as(token).post("/api/stream-tickets").then().statusCode(201).extract().path("ticket");
        String wrong = "ph_" + "w".repeat(43);
        try (SseClient byToken = SseClient.open(root + "api/stream?status=running&access_token=" + token, Map.of());
                SseClient byTicket = SseClient.open(root + "api/stream?ticket=" + ticket, Map.of());
                SseClient refused = SseClient.open(root + "api/stream?access_token=" + wrong + "&x=1", Map.of())) {
            assertEquals(200, byToken.status());
            assertEquals(200, byTicket.status());
            assertEquals(401, refused.status());
        }
        await("the access log lists the three requests").atMost(Duration.ofSeconds(10))
                .until(() -> log().contains("/api/stream?ticket=***") && log().contains("access_token=***&x=1")
                        && log().contains("status=running&access_token=***"));
        String log = log();
        assertFalse(log.contains(token), "the token is not in the log");
        assertFalse(log.contains(ticket), "the ticket is not in the log");
        assertFalse(log.contains(wrong), "a refused token is not in the log either");
    }

    private static String log() {
        try {
            return Files.readString(Path.of(TightBounds.LOG_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
