package dev.progresshub.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.progresshub.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;

/**
 * /q/openapi against what the service really serves: every /api route (JAX-RS resources and plain Vert.x
 * routes such as the log upload) is documented with its method, every documented path and method is
 * served, and each operation describes its bodies, its answers (problem answers included) and the bearer
 * scheme, so Swagger UI has an Authorize button.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class OpenApiRoutesTest {

    /**
     * CONTRACT revision 2 routes another change adds (stream tickets, share links): documented already,
     * tolerated while not served yet, checked like any other once they are.
     */
    private static final Set<String> ANNOUNCED = Set.of("POST /api/stream-tickets", "POST /api/jobs/{}/links",
            "DELETE /api/jobs/{}/links/{}");
    private static final List<Class<? extends java.lang.annotation.Annotation>> HTTP_METHODS =
            List.of(GET.class, POST.class, PUT.class, DELETE.class, PATCH.class);
    private static final Pattern ALTERNATION = Pattern.compile("\\{\\s*\\w+\\s*:\\s*([\\w|]+)\\s*}");

    @Inject
    RouterRoutes router;

    private JsonNode document;

    @BeforeEach
    void readDocument() throws IOException {
        String json = given().accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200).extract().asString();
        document = new ObjectMapper().readTree(json);
    }

    @Test
    void everyServedApiRouteIsDocumentedAndEveryDocumentedOneIsServed() throws Exception {
        Set<String> served = servedRoutes();
        Set<String> documented = documentedRoutes();
        assertTrue(served.contains("POST /api/jobs/{}/log") && served.contains("PUT /api/jobs/{}/log"),
                "the Vert.x log route is among the served ones: " + served);

        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "served but missing from /q/openapi");

        Set<String> notServed = new TreeSet<>(documented);
        notServed.removeAll(served);
        notServed.removeAll(ANNOUNCED);
        assertEquals(Set.of(), notServed, "in /q/openapi but not served");
    }

    @Test
    void operationsDescribeBodiesAnswersAndProblems() {
        List<String> problems = new ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (!isMethod(op.getKey())) {
                return;
            }
            String name = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            JsonNode responses = op.getValue().path("responses");
            if (!responses.has("401") || !resolve(responses.get("401")).path("content").has("application/problem+json")) {
                problems.add(name + ": no 401 problem answer");
            }
            responses.properties().forEach(answer -> {
                JsonNode response = resolve(answer.getValue());
                boolean bodyless = Set.of("204", "304").contains(answer.getKey());
                if (answer.getKey().startsWith("2") && !bodyless && !hasSchemas(response.path("content"))) {
                    problems.add(name + " " + answer.getKey() + ": no body schema");
                }
                if (answer.getKey().matches("[45]..") && !response.path("content").has("application/problem+json")) {
                    problems.add(name + " " + answer.getKey() + ": not a problem+json answer");
                }
            });
            JsonNode body = resolve(op.getValue().path("requestBody"));
            if (!body.isMissingNode() && !hasSchemas(body.path("content"))) {
                problems.add(name + ": request body without a schema");
            }
        }));
        assertEquals(List.of(), problems);
    }

    @Test
    void logUploadAndStreamsAreDescribedWithTheirMediaTypes() {
        JsonNode paths = document.path("paths");
        assertTrue(resolve(paths.path("/api/jobs/{id}/log").path("post").path("requestBody")).path("content").has("text/plain"),
                "the log upload takes text/plain");
        for (String stream : List.of("/api/jobs/{id}/stream", "/api/stream", "/api/progress/stream/{sessionId}")) {
            assertTrue(resolve(paths.path(stream).path("get").path("responses").path("200")).path("content")
                    .has("text/event-stream"), stream + " answers text/event-stream");
        }
        assertTrue(paths.path("/api/jobs/{id}/events").path("get").path("responses").path("200").path("content")
                .has("text/csv"), "the CSV export is described");
    }

    @Test
    void bearerSchemeAppliesToEveryOperationAndSwaggerUiIsServed() {
        JsonNode bearer = document.path("components").path("securitySchemes").path("bearer");
        assertEquals("http", bearer.path("type").asText());
        assertEquals("bearer", bearer.path("scheme").asText());
        assertTrue(document.path("security").toString().contains("\"bearer\""), "bearer applies to every operation");
        String page = given().get("/q/swagger-ui/").then().statusCode(200).extract().asString();
        assertTrue(page.toLowerCase(Locale.ROOT).contains("swagger"), "Swagger UI is served");
    }

    @Test
    void theDocumentIsServedAsYamlOrAsJsonWithTheSameContent() throws IOException {
        String yaml = given().get("/q/openapi").then().statusCode(200)
                .contentType("application/yaml;charset=UTF-8").extract().asString();
        Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        assertEquals(document, new ObjectMapper().valueToTree(parsed), "the YAML and the JSON say the same");
        for (var asJson : List.of(given().accept("application/json").get("/q/openapi"),
                given().get("/q/openapi.json"))) {
            asJson.then().statusCode(200).contentType("application/json;charset=UTF-8");
            assertEquals(document, new ObjectMapper().readTree(asJson.asString()));
        }
        given().accept("application/json").get("/q/openapi?format=yaml").then().statusCode(200)
                .contentType("application/yaml;charset=UTF-8");
        given().head("/q/openapi").then().statusCode(200).contentType("application/yaml;charset=UTF-8");
    }

    /** In a YAML flow mapping an unquoted comma ends the value: "a, b" becomes "a" and a stray key "b". */
    @Test
    void noDescriptionIsCutShortByTheYamlSyntax() {
        List<String> strayKeys = new ArrayList<>();
        collectKeysWithoutValue(document, "", strayKeys);
        assertEquals(List.of(), strayKeys);
    }

    private static void collectKeysWithoutValue(JsonNode node, String at, List<String> found) {
        node.properties().forEach(field -> {
            if (field.getValue().isNull()) {
                found.add(at + "/" + field.getKey());
            }
            collectKeysWithoutValue(field.getValue(), at + "/" + field.getKey(), found);
        });
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectKeysWithoutValue(node.get(i), at + "/" + i, found);
            }
        }
    }

    // ---- what is served -------------------------------------------------------------------------

    private Set<String> servedRoutes() throws IOException {
        Set<String> routes = new TreeSet<>();
        for (Class<?> resource : resourceClasses()) {
            String base = resource.getAnnotation(jakarta.ws.rs.Path.class).value();
            for (Method method : resource.getDeclaredMethods()) {
                jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                String path = join(base, sub == null ? "" : sub.value());
                HTTP_METHODS.stream().filter(method::isAnnotationPresent)
                        .forEach(verb -> expand(path).forEach(p -> routes.add(verb.getSimpleName() + " " + normalize(p))));
            }
        }
        for (Route route : router.routes()) {
            String path = route.getPath();
            if (path != null && path.startsWith("/api/") && route.methods() != null) {
                for (HttpMethod method : route.methods()) {
                    routes.add(method.name() + " " + normalize(path));
                }
            }
        }
        return routes;
    }

    private static List<Class<?>> resourceClasses() throws IOException {
        Path classes = Path.of("target", "classes");
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes.resolve("dev"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                try {
                    Class<?> type = Class.forName(name, false, OpenApiRoutesTest.class.getClassLoader());
                    if (type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                        found.add(type);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    // not loadable in this class loader (e.g. dev-only classes): not a served resource
                }
            }
        }
        assertTrue(found.size() >= 5, "JAX-RS resources found under target/classes: " + found);
        return found;
    }

    /** {@code /x/{ending: complete|error}} serves {@code /x/complete} and {@code /x/error}. */
    private static List<String> expand(String path) {
        Matcher alternation = ALTERNATION.matcher(path);
        if (!alternation.find()) {
            return List.of(path);
        }
        return Arrays.stream(alternation.group(1).split("\\|"))
                .flatMap(word -> expand(path.substring(0, alternation.start()) + word + path.substring(alternation.end())).stream())
                .toList();
    }

    // ---- what is documented ----------------------------------------------------------------------

    private Set<String> documentedRoutes() {
        Set<String> routes = new TreeSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (isMethod(method)) {
                routes.add(method.toUpperCase(Locale.ROOT) + " " + normalize(path.getKey()));
            }
        }));
        assertTrue(routes.size() > 20, "the document lists the API: " + routes);
        return routes;
    }

    private JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        if (ref.isEmpty()) {
            return node;
        }
        JsonNode target = document;
        for (String part : ref.substring(2).split("/")) {
            target = target.path(part);
        }
        return target;
    }

    /** Every media type has a schema that says something (not {@code {}}, not the scan's "string/binary"). */
    private boolean hasSchemas(JsonNode content) {
        if (content.isEmpty()) {
            return false;
        }
        for (JsonNode media : content) {
            JsonNode schema = media.path("schema");
            if (schema.isEmpty() || "binary".equals(schema.path("format").asText())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMethod(String name) {
        return Set.of("get", "post", "put", "delete", "patch").contains(name);
    }

    private static String join(String base, String sub) {
        String path = (base + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** Parameter names differ between code and document ({id} vs :id): compare the shape only. */
    private static String normalize(String path) {
        return path.replaceAll("\\{[^}]*}", "{}").replaceAll(":\\w+", "{}");
    }
}
