package dev.progresshub.openapi;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

/** Test bean: keeps the HTTP router, so a test can list the plain Vert.x routes the service serves. */
@ApplicationScoped
public class RouterRoutes {

    private volatile Router router;

    void keep(@Observes Router router) {
        this.router = router;
    }

    List<Route> routes() {
        return router.getRoutes();
    }
}
