package dev.progresshub.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.fasterxml.jackson.databind.json.JsonMapper;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /q/openapi}: the hand-written {@code META-INF/openapi.yaml} as it is, in YAML by default and in JSON
 * for {@code ?format=json}, an {@code Accept: application/json} or {@code /q/openapi.json}. Swagger UI reads
 * it. It replaces the OpenAPI extension, which re-parsed and re-serialized this same file at every start
 * (26–36 ms of a native cold start); here nothing happens until the document is first asked for. Like health
 * and metrics, it answers on the management interface alone when that is on.
 */
@ApplicationScoped
public class OpenApiDocumentRoute {

    static final String PATH = "/q/openapi";
    private static final String RESOURCE = "META-INF/openapi.yaml";
    private static final String YAML = "application/yaml;charset=UTF-8";
    private static final String JSON = "application/json;charset=UTF-8";

    private volatile boolean onManagementInterface;
    private volatile Buffer yaml;
    private volatile Buffer json;

    void installOnManagementInterface(@Observes ManagementInterface management) {
        onManagementInterface = true;
        install(management.router(), false);
    }

    void installOnMainRouter(@Observes Router router) {
        install(router, true);
    }

    private void install(Router router, boolean main) {
        router.routeWithRegex("\\Q" + PATH + "\\E(\\.json|\\.yaml|\\.yml)?").method(HttpMethod.GET)
                .method(HttpMethod.HEAD).blockingHandler(context -> {
                    if (main && onManagementInterface) {
                        context.next();
                    } else {
                        serve(context);
                    }
                }, false);
    }

    private void serve(RoutingContext context) {
        boolean asJson = wantsJson(context);
        context.response().putHeader("Content-Type", asJson ? JSON : YAML).end(asJson ? json() : yaml());
    }

    private static boolean wantsJson(RoutingContext context) {
        String path = context.normalizedPath();
        if (!path.equals(PATH)) {
            return path.endsWith(".json");
        }
        String format = context.request().getParam("format");
        if (format != null) {
            return format.equalsIgnoreCase("json");
        }
        String accept = context.request().getHeader("Accept");
        return accept != null && accept.contains("application/json");
    }

    private Buffer yaml() {
        Buffer document = yaml;
        if (document == null) {
            try (InputStream in = OpenApiDocumentRoute.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                document = Buffer.buffer(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            yaml = document;
        }
        return document;
    }

    private Buffer json() {
        Buffer document = json;
        if (document == null) {
            try {
                Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml().toString());
                document = Buffer.buffer(JsonMapper.builder().build().writeValueAsBytes(tree));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            json = document;
        }
        return document;
    }
}
