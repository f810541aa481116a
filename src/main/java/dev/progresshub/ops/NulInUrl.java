package dev.progresshub.ops;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.progresshub.config.JsonText;
import dev.progresshub.errors.HttpProblems;
import dev.progresshub.errors.ProblemException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a URL carrying an encoded NUL ({@code %00}) in its path or query, for every API route at once: no
 * id, filter or name can hold one (PostgreSQL text refuses it), so it is a client error, never a query.
 */
@ApplicationScoped
public class NulInUrl {

    private final JsonText json;

    NulInUrl(JsonText json) {
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route("/api/*").order(-95).handler(this::check);
    }

    private void check(RoutingContext context) {
        if (context.request().uri().toLowerCase(Locale.ROOT).contains("%00")) {
            HttpProblems.write(context.response(), ProblemException.badRequest(
                    "the URL contains an encoded NUL character (%00), which no id or parameter may hold"), json, false);
            return;
        }
        context.next();
    }
}
