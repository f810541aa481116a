package dev.progresshub.security;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Bounds small enough to cross in a test, shared by the security tests so the service starts once for them:
 * 3 failed authentications per second per address, a 2 s log idle limit, one request unit per 10 log lines
 * at 50 requests/s (burst 20), and the access log written to a file, to look for credentials in it.
 */
public class TightBounds implements QuarkusTestProfile {

    static final String LOG_FILE = "target/security-test.log";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "progress-hub.limits.failed-auth-per-second", "3",
                "progress-hub.limits.log-idle-timeout", "2s",
                "progress-hub.limits.log-lines-per-request-unit", "10",
                "progress-hub.limits.requests-per-second", "50",
                "progress-hub.limits.burst", "20",
                "quarkus.http.access-log.enabled", "true",
                "quarkus.log.file.enabled", "true",
                "quarkus.log.file.path", LOG_FILE);
    }
}
