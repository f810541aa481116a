package dev.progresshub.inputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.progresshub.testsupport.Api;
import dev.progresshub.testsupport.PostgresTestResource;
import dev.progresshub.testsupport.StoredRows;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Generated input (issue 10 item 5): mutated and random bodies for every ingest endpoint, random paths,
 * queries and headers for the read endpoints. Never a 500; no stack trace, class name or SQL in an answer;
 * an error is a problem answer; a refused write stores nothing. Seeded: the seed is printed, and
 * {@code -Dfuzz.seed=…} replays a run ({@code -Dfuzz.requests=…} sets how many requests).
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class GeneratedInputTest {

    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 10_000);
    private static final Pattern LEAK = Pattern.compile(
            "Exception|\\tat |\\bat [a-z]+\\.[a-z]+\\.|dev\\.progresshub|java\\.|jakarta\\.|org\\.hibernate|io\\.quarkus"
                    + "|io\\.vertx|com\\.fasterxml|PSQL|SQLState|(?i:select .* from|insert into|update .* set)");
    private static final Pattern FINISHED = Pattern.compile("\"status\":\"(completed|failed|cancelled|complete|error)\"");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> FIELDS = List.of("type", "stage", "item", "worker", "seq", "at", "current",
            "total", "phase", "message", "details", "currentItem", "error", "errorClass", "status", "completed",
            "failed", "batchInfo", "itemsByType", "lastProcessedId", "resumeState", "level", "data", "id", "name",
            "operation", "stages", "labels", "heartbeatSeconds", "taskId", "processedItems", "totalItems",
            "timeline", "updateId", "step", "totalSteps", "sessionId");
    private static final List<String> TYPES = List.of("job_start", "job_progress", "job_complete", "job_fail",
            "job_pause", "job_resume", "job_cancel", "stage_start", "item_complete", "item_fail", "stage_progress",
            "stage_complete", "stage_fail", "items_discovered", "checkpoint", "message", "heartbeat", "file_complete",
            "file_fail", "job_created", "pause_requested", "JOB_START", "");

    @TestHTTPResource("/")
    URI base;

    @Inject
    EntityManager entityManager;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Random random;
    private String project;
    private String token;
    private final List<String> jobs = new ArrayList<>();
    private final List<String> sessions = new ArrayList<>();
    private final Map<String, Integer> outcomes = new java.util.TreeMap<>();
    private int freshJobs;

    @Test
    void noGeneratedInputBreaksTheServiceOrStoresARefusedRequest() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("GeneratedInputTest seed=" + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        random = new Random(seed);
        project = Api.uniqueProject();
        token = Api.token(project, "ingest", "read");
        setUpJobs();

        StoredRows stored = StoredRows.of(entityManager, project);
        for (int i = 0; i < REQUESTS; i++) {
            Sent sent = nextRequest();
            HttpResponse<String> answer = http.send(sent.request(), HttpResponse.BodyHandlers.ofString());
            String context = "seed " + seed + ", request " + i + ": " + sent.describe() + " -> " + answer.statusCode()
                    + " " + answer.body();
            outcomes.merge(sent.endpoint() + " " + answer.statusCode() / 100 + "xx", 1, Integer::sum);
            checkAnswer(answer, context);
            replaceIfFinished(sent, answer);
            if (sent.writes()) {
                StoredRows after = StoredRows.of(entityManager, project);
                if (answer.statusCode() >= 400 && sent.refusalStoresNothing()) {
                    assertEquals(stored, after, "a refused request stored something; " + context);
                }
                stored = after;
            }
        }
        System.out.println("GeneratedInputTest outcomes " + outcomes);
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.endsWith("2xx")), "some generated input was valid");
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.endsWith("4xx")), "some generated input was refused");
    }

    /** A job or session that finished refuses everything after: aim later requests at a fresh one. */
    private void replaceIfFinished(Sent sent, HttpResponse<String> answer) throws Exception {
        if (answer.statusCode() >= 300 || sent.target() == null || !FINISHED.matcher(answer.body()).find()) {
            return;
        }
        int job = jobs.indexOf(sent.target());
        if (job >= 0 && !sent.target().equals("fz-done")) {
            jobs.set(job, "fz-" + (++freshJobs));
        }
        int session = sessions.indexOf(sent.target());
        if (session >= 0) {
            sessions.set(session, newSession());
        }
    }

    private void checkAnswer(HttpResponse<String> answer, String context) {
        int status = answer.statusCode();
        assertTrue(status < 500, "never a 5xx; " + context);
        if (status >= 400) {
            assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse("")
                    .split(";")[0], "an error is a problem answer; " + context);
            assertFalse(LEAK.matcher(answer.body()).find(), "no internals in an answer; " + context);
        }
    }

    // --- the jobs and sessions requests aim at ----------------------------------------------------------------

    private void setUpJobs() throws Exception {
        for (int i = 0; i < 3; i++) {
            String id = "fz-" + i;
            jobs.add(id);
            send(post("/api/jobs", "{\"id\":\"" + id + "\",\"name\":\"Fuzz " + i + "\",\"total\":100,"
                    + "\"stages\":[{\"name\":\"download\",\"total\":50},{\"name\":\"parse\"}]}"), 201);
        }
        jobs.add("fz-done");
        send(post("/api/jobs/fz-done/events", "[{\"type\":\"job_start\"},{\"type\":\"job_complete\"}]"), 200);
        for (int i = 0; i < 2; i++) {
            sessions.add(newSession());
        }
    }

    private String newSession() throws Exception {
        HttpResponse<String> created = send(post("/api/progress/sessions", "{\"operation\":\"fuzz\",\"totalSteps\":10}"),
                201);
        return MAPPER.readTree(created.body()).get("sessionId").asText();
    }

    private HttpResponse<String> send(HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, answer.statusCode(), answer.body());
        return answer;
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    // --- requests ------------------------------------------------------------------------------------------------

    /** One request: what it is for the report, whether it writes, and whether its refusal must store nothing. */
    private record Sent(String endpoint, HttpRequest request, String body, boolean writes, boolean refusalStoresNothing,
            String target) {
        String describe() {
            String shown = body.length() > 300 ? body.substring(0, 300) + "…(" + body.length() + " chars)" : body;
            return request.method() + " " + request.uri() + " " + shown;
        }
    }

    private Sent nextRequest() {
        int pick = random.nextInt(100);
        if (pick < 40) {
            String job = jobId();
            return write("events", "/api/jobs/" + job + "/events", events(), job);
        }
        if (pick < 52) {
            return write("create", "/api/jobs", mutated(createBody()), null);
        }
        if (pick < 64) {
            String job = jobId();
            return write("crawler", "/api/internal/jobs/progress", mutated(crawlerBody(job)), job);
        }
        if (pick < 74) {
            return session();
        }
        if (pick < 80) {
            return log();
        }
        return read();
    }

    private Sent write(String endpoint, String path, String body, String target) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", random.nextInt(20) == 0 ? pick("text/xml", "application/json; charset=latin1",
                        "text/plain") : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (random.nextInt(8) == 0) {
            request.header("Idempotency-Key", "k" + random.nextInt(20));
        }
        return new Sent(endpoint, request.build(), body, true, true, target);
    }

    private Sent session() {
        String sessionId = random.nextInt(6) == 0 ? randomId() : sessions.get(random.nextInt(sessions.size()));
        return switch (random.nextInt(4)) {
            case 0 -> write("session-create", "/api/progress/sessions",
                    mutated("{\"operation\":\"fuzz\",\"totalSteps\":10}"), null);
            case 1 -> write("session-update", "/api/progress/" + sessionId,
                    mutated("{\"step\":3,\"message\":\"working\",\"details\":{\"file\":\"a\"}}"), sessionId);
            case 2 -> write("session-complete", "/api/progress/" + sessionId + "/complete",
                    mutated("{\"message\":\"ok\"}"), sessionId);
            default -> write("session-error", "/api/progress/" + sessionId + "/error", mutated("{\"message\":\"bad\"}"),
                    sessionId);
        };
    }

    /** A streamed log: its lines are applied in batches as they arrive, so a late refusal may keep earlier ones. */
    private Sent log() {
        StringBuilder body = new StringBuilder();
        int lines = 1 + random.nextInt(6);
        for (int i = 0; i < lines; i++) {
            body.append(switch (random.nextInt(6)) {
                case 0 -> "PROGRESS: Starting scrape of " + random.nextInt(500) + " artists";
                case 1 -> "PROGRESS: Processing artist " + random.nextInt(600) + "/" + random.nextInt(500) + ": "
                        + randomText();
                case 2 -> "download:  45%|████▌ | " + random.nextInt(200) + "/100 [00:10<00:12,  4.50it/s]";
                case 3 -> events();
                case 4 -> "PROGRESS: Completed scraping " + random.nextInt(500) + " artists";
                default -> randomText();
            }).append(pick("\n", "\r\n", "\r"));
        }
        String job = jobId();
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/jobs/" + job + "/log"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return new Sent("log", request, body.toString(), true, false, job);
    }

    private Sent read() {
        String id = random.nextInt(4) == 0 ? randomPathSegment() : jobId();
        String path = switch (random.nextInt(5)) {
            case 0 -> "/api/jobs" + query("status", "operation", "label", "updatedSince", "limit", "cursor");
            case 1 -> "/api/jobs/" + id + query("include");
            case 2 -> "/api/jobs/" + id + "/events" + query("after", "type", "stage", "limit");
            case 3 -> "/api/progress/status/" + id;
            default -> "/api/" + randomPathSegment() + "/" + randomPathSegment();
        };
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .header("Authorization", random.nextInt(15) == 0 ? "Bearer " + headerText() : "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).GET();
        if (random.nextBoolean()) {
            request.header("Accept", pick("application/json", "application/x-ndjson", "text/csv", "text/html",
                    "*/*", "application/xml", headerText()));
        }
        if (random.nextInt(4) == 0) {
            request.header("If-None-Match", pick("\"1\"", "1", "*", "W/\"x\"", headerText()));
        }
        return new Sent("read", request.build(), "", false, false, null);
    }

    private String query(String... names) {
        StringBuilder query = new StringBuilder();
        for (String name : names) {
            if (random.nextInt(3) == 0) {
                String value = pick("1", "-1", "0", "abc", "9999999999999999999", "running", "a:b", "2026-11-23T10:00:00Z",
                        "", randomText());
                query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return query.toString();
    }

    // --- bodies ----------------------------------------------------------------------------------------------------

    private String events() {
        int shape = random.nextInt(10);
        if (shape == 0) {
            return randomBytesAsText();
        }
        if (shape < 5) {
            return mutated(validEvent().toString());
        }
        ArrayNode batch = NODES.arrayNode();
        int size = random.nextInt(12) == 0 ? 0 : 1 + random.nextInt(8);
        for (int i = 0; i < size; i++) {
            batch.add(random.nextInt(4) == 0 ? parseOrText(mutated(validEvent().toString())) : validEvent());
        }
        return batch.toString();
    }

    private JsonNode parseOrText(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            return NODES.textNode(json);
        }
    }

    private ObjectNode validEvent() {
        String type = TYPES.get(random.nextInt(17));
        ObjectNode event = NODES.objectNode().put("type", type);
        switch (type) {
            case "job_start" -> event.put("total", random.nextInt(200));
            case "job_progress" -> event.put("current", random.nextInt(150)).put("phase", "Phase " + random.nextInt(3))
                    .put("currentItem", "item-" + random.nextInt(99));
            case "stage_start" -> event.put("stage", stage()).put("total", random.nextInt(100));
            case "item_complete", "file_complete" -> event.put("stage", stage()).put("item", "i" + random.nextInt(999));
            case "item_fail", "file_fail" -> event.put("stage", stage()).put("item", "i" + random.nextInt(999))
                    .put("error", "timeout").put("errorClass", "c" + random.nextInt(150));
            case "stage_progress", "stage_complete", "stage_fail" -> event.put("stage", stage())
                    .put("completed", random.nextInt(60)).put("failed", random.nextInt(3));
            case "items_discovered" -> event.set("itemsByType", NODES.objectNode().put("t" + random.nextInt(250), 1));
            case "checkpoint" -> event.put("lastProcessedId", "id-" + random.nextInt(99))
                    .set("resumeState", NODES.objectNode().put("page", random.nextInt(9)));
            case "message" -> event.put("message", "hello").put("level", pick("info", "warning", "loud"));
            default -> { }
        }
        if (random.nextInt(3) == 0) {
            event.put("worker", "w" + random.nextInt(3)).put("seq", random.nextInt(50));
        }
        if (random.nextInt(10) == 0) {
            event.put("at", pick("2026-11-23T10:00:00Z", "1999-01-01T00:00:00Z", "2999-01-01T00:00:00Z", "soon"));
        }
        return event;
    }

    private String createBody() {
        return "{\"id\":\"" + (random.nextBoolean() ? randomId() : jobId()) + "\",\"name\":\"Fuzz\",\"operation\":\"op\","
                + "\"total\":10,\"stages\":[{\"name\":\"a\",\"total\":2}],\"labels\":{\"team\":\"data\"},"
                + "\"heartbeatSeconds\":60}";
    }

    private String crawlerBody(String job) {
        return "{\"taskId\":\"" + (random.nextInt(4) == 0 ? randomId() : job) + "\",\"status\":\""
                + pick("started", "processing", "completed", "failed", "paused", "new_areas_discovered",
                "credential_expiry", "bogus") + "\",\"processedItems\":" + random.nextInt(500) + ",\"totalItems\":400,"
                + "\"currentDataType\":\"issues\",\"itemsByType\":{\"issues\":" + random.nextInt(9) + "},"
                + "\"lastProcessedId\":\"issue-1\",\"resumeState\":{\"cursor\":\"abc\"},\"stage\":\"data_collection\","
                + "\"timeline\":[{\"timestamp\":\"2025-01-06T19:15:30Z\",\"event\":\"stage_change\",\"details\":{\"to\":1}}],"
                + "\"updateId\":\"u" + random.nextInt(40) + "\"}";
    }

    /** One to three mutations of a valid JSON text: fields dropped, added, retyped, renamed; or broken text. */
    private String mutated(String json) {
        if (random.nextInt(6) == 0) {
            return json;
        }
        JsonNode tree = parseOrText(json);
        if (!tree.isContainerNode() || random.nextInt(12) == 0) {
            return breakText(json);
        }
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            tree = mutate(tree);
        }
        String text = tree.toString();
        // escapes of characters no database text can hold, inside the first string of the body
        return random.nextInt(15) == 0 ? text.replaceFirst("\"([a-z])", "\"" + pick("\\\\u0000", "\\\\ud800",
                "\\\\udfff") + "$1") : text;
    }

    private JsonNode mutate(JsonNode tree) {
        ObjectNode target = someObject(tree);
        if (target == null) {
            return random.nextBoolean() ? randomValue(2) : tree;
        }
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        switch (random.nextInt(6)) {
            case 0 -> {
                if (!names.isEmpty()) {
                    target.remove(names.get(random.nextInt(names.size())));
                }
            }
            case 1 -> target.set(random.nextBoolean() ? FIELDS.get(random.nextInt(FIELDS.size())) : randomText(),
                    randomValue(3));
            case 2 -> {
                if (!names.isEmpty()) {
                    String name = names.get(random.nextInt(names.size()));
                    JsonNode value = target.remove(name);
                    target.set(typo(name), value);
                }
            }
            case 3 -> {
                if (!names.isEmpty()) {
                    target.set(names.get(random.nextInt(names.size())), randomValue(3));
                }
            }
            case 4 -> target.put("type", TYPES.get(random.nextInt(TYPES.size())));
            default -> {
                return random.nextBoolean() ? NODES.arrayNode().add(tree).add(tree.deepCopy()) : randomValue(4);
            }
        }
        return tree;
    }

    private ObjectNode someObject(JsonNode tree) {
        List<ObjectNode> objects = new ArrayList<>();
        collectObjects(tree, objects, 0);
        return objects.isEmpty() ? null : objects.get(random.nextInt(objects.size()));
    }

    private void collectObjects(JsonNode node, List<ObjectNode> into, int depth) {
        if (depth > 4) {
            return;
        }
        if (node instanceof ObjectNode object) {
            into.add(object);
        }
        for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
            collectObjects(children.next(), into, depth + 1);
        }
    }

    private JsonNode randomValue(int depth) {
        int kind = random.nextInt(depth > 0 ? 12 : 9);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextLong());
            case 3 -> NODES.numberNode(random.nextInt(20) - 5);
            case 4 -> NODES.numberNode(random.nextDouble() * 1e6);
            case 5 -> NODES.numberNode(new java.math.BigInteger(80, random));
            case 6, 7 -> NODES.textNode(randomText());
            case 8 -> NODES.textNode("x".repeat(random.nextInt(3) == 0 ? 70_000 : 300));
            case 9 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(depth - 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(random.nextBoolean() ? FIELDS.get(random.nextInt(FIELDS.size())) : randomText(),
                            randomValue(depth - 1));
                }
                yield object;
            }
        };
    }

    private String typo(String name) {
        if (name.length() < 2) {
            return name + "x";
        }
        int at = random.nextInt(name.length() - 1);
        return name.substring(0, at) + name.charAt(at + 1) + name.charAt(at) + name.substring(at + 2);
    }

    /** Text a JSON parser refuses or struggles with: cut short, a stray byte, deep nesting, odd numbers. */
    private String breakText(String json) {
        return switch (random.nextInt(6)) {
            case 0 -> json.substring(0, random.nextInt(Math.max(1, json.length())));
            case 1 -> json.replaceFirst(":", "::");
            case 2 -> "[".repeat(2_000) + "]".repeat(2_000);
            case 3 -> json.replaceFirst("\\d+", pick("1e400", "-0", "9223372036854775808", "0x10", "NaN"));
            case 4 -> "";
            default -> randomBytesAsText();
        };
    }

    private String randomText() {
        StringBuilder text = new StringBuilder();
        String alphabet = "abcxyz_-. /:@%\"'\\{}[]<>é€😀\u0000\u0007\ud800\t\n";
        for (int i = random.nextInt(16); i > 0; i--) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** What an HTTP client lets through in a header: visible ASCII and spaces. */
    private String headerText() {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(24); i > 0; i--) {
            text.append((char) (0x20 + random.nextInt(0x5f)));
        }
        return text.toString().strip();
    }

    private String randomBytesAsText() {
        byte[] bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private String randomId() {
        return random.nextInt(5) == 0 ? randomPathSegment() : "fz-new-" + random.nextInt(1_000_000);
    }

    private String randomPathSegment() {
        return URLEncoder.encode(randomText(), StandardCharsets.UTF_8).replace("+", "%20")
                + (random.nextInt(10) == 0 ? "a".repeat(200) : "");
    }

    private String jobId() {
        return jobs.get(random.nextInt(jobs.size()));
    }

    private String stage() {
        return pick("download", "parse", "downlaod", "s" + random.nextInt(250));
    }

    private String pick(String... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
