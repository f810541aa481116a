package dev.progresshub.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.progresshub.ops.JobGauges;
import dev.progresshub.scheduler.StallDetector;
import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * deploy/monitoring only uses metrics the service exports: every metric name in an alert rule or a
 * dashboard panel must be listed by /q/metrics of the running service, and the rules the issue asks for
 * (stalled jobs, 5xx rate, ingest queue saturation, database down) are there.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class MonitoringMetricsTest {

    @Inject
    StallDetector stallDetector;

    @Inject
    JobGauges gauges;

    private static final Path MONITORING = Path.of("deploy", "monitoring");
    /** Series Prometheus makes itself, not the service. */
    private static final Set<String> PROMETHEUS_SERIES = Set.of("up");
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void everyMetricOfTheRulesAndTheDashboardIsExported() throws IOException {
        useEveryPath(); // counters appear once their path was taken
        Set<String> exported = exportedMetrics();

        Set<String> missing = new TreeSet<>();
        for (String expr : expressions()) {
            for (String metric : metricsIn(expr)) {
                if (!exported.contains(metric) && !PROMETHEUS_SERIES.contains(metric)) {
                    missing.add(metric);
                }
            }
        }
        assertEquals(Set.of(), missing, "deploy/monitoring uses metrics /q/metrics does not export");
    }

    @Test
    void theRulesCoverStalledJobsServerErrorsQueueSaturationAndTheDatabase() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(MONITORING.resolve("alerts.yaml").toFile());
        List<String> exprs = new ArrayList<>();
        rules.path("groups").forEach(group -> group.path("rules").forEach(rule -> exprs.add(rule.path("expr").asText())));
        for (String needed : List.of("progresshub_jobs_stalled", "http_server_requests_seconds_count{status=~\"5..\"}",
                "progresshub_ingest_queue_depth", "progresshub_database_up")) {
            assertTrue(exprs.stream().anyMatch(expr -> expr.contains(needed)), "an alert rule on " + needed);
        }
    }

    @Test
    void stalledJobsAndTheDatabaseAreCountedForTheAlerts() {
        String token = Api.token(Api.uniqueProject(), "ingest", "read");
        String job = Api.uniqueJob();
        Api.as(token).contentType("application/json").body("{\"id\":\"" + job + "\",\"name\":\"silent\",\"heartbeatSeconds\":5}")
                .post("/api/jobs").then().statusCode(201);
        Api.send(token, job, "{\"type\":\"job_start\"}");
        stallDetector.sweep(Instant.now().plusSeconds(10));
        gauges.refresh();

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(gauge(metrics, "progresshub_jobs_stalled") >= 1, "the silent job is counted as stalled");
        assertEquals(1.0, gauge(metrics, "progresshub_database_up"), "the database answered the count");
    }

    private static double gauge(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " is not exported"));
    }

    @Test
    void theMetricNameReaderFindsMetricsAndSkipsFunctionsAndLabels() {
        assertEquals(List.of("http_server_requests_seconds_count", "http_server_requests_seconds_count"),
                metricsIn("sum by (status) (rate(http_server_requests_seconds_count{status=~\"5..\"}[5m]))"
                        + " / clamp_min(sum(rate(http_server_requests_seconds_count[5m])), 1e-9) > 0.05"));
        assertEquals(List.of("a_total"), metricsIn("max by (instance) (a_total offset 5m) == 0"));
    }

    private static void useEveryPath() {
        String token = Api.token(Api.uniqueProject(), "ingest", "read");
        String job = Api.uniqueJob();
        Api.send(token, job, "{\"type\":\"job_start\",\"total\":2}");
        Api.as(token).get("/api/jobs/{id}", job).then().statusCode(200);
        given().get("/api/me").then().statusCode(401);
    }

    private static Set<String> exportedMetrics() {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                Matcher name = IDENTIFIER.matcher(line);
                if (name.lookingAt()) {
                    names.add(name.group());
                }
            }
        }
        assertFalse(names.isEmpty(), "/q/metrics lists metrics");
        return names;
    }

    private static List<String> expressions() throws IOException {
        List<String> exprs = new ArrayList<>();
        new YAMLMapper().readTree(MONITORING.resolve("alerts.yaml").toFile()).path("groups")
                .forEach(group -> group.path("rules").forEach(rule -> exprs.add(rule.path("expr").asText())));
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(MONITORING.resolve("grafana-dashboard.json")));
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
        assertTrue(exprs.size() > 10, "rules and panels were read");
        return exprs;
    }

    /** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or durations. */
    static List<String> metricsIn(String expr) {
        String bare = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")   // string literals
                .replaceAll("\\{[^}]*}", " ")                               // label matchers
                .replaceAll("\\[[^]]*]", " ")                               // ranges
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+\\w+", " ");
        List<String> metrics = new ArrayList<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String word = identifier.group();
            boolean function = bare.substring(identifier.end()).stripLeading().startsWith("(");
            boolean number = identifier.start() > 0 && Character.isDigit(bare.charAt(identifier.start() - 1));
            if (!function && !number && !PROMQL_WORDS.contains(word.toLowerCase())) {
                metrics.add(word);
            }
        }
        return metrics;
    }
}
