package dev.progresshub.ops;

import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.progresshub.config.ProgressHubConfig;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;

/**
 * Dev mode only (the bean does not exist in any other build): says where the dashboard is and which admin
 * token works, so a newcomer's first {@code ./mvnw quarkus:dev} ends with what to open and paste. A token
 * the developer set themselves is a secret and never printed; only the built-in dev token is.
 */
@Singleton
@IfBuildProfile("dev")
public class DevBanner {

    /** The dev profile's admin token (application.properties): public by design, so it may be shown. */
    static final String BUILT_IN_DEV_TOKEN = "dev-admin-token";

    private static final Logger LOG = Logger.getLogger(DevBanner.class);

    void show(@Observes StartupEvent started, ProgressHubConfig config,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "localhost") String host,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) {
        LOG.info(text(host, port, config.adminToken()));
    }

    static String text(String host, int port, Optional<String> adminToken) {
        String base = "http://" + ("0.0.0.0".equals(host) ? "localhost" : host) + ":" + port;
        // a token of the developer's own is referred to by its variable, which works in the curl line too
        String token = adminToken.map(t -> BUILT_IN_DEV_TOKEN.equals(t) ? t : "$PROGRESS_HUB_ADMIN_TOKEN")
                .orElse("$PROGRESS_HUB_ADMIN_TOKEN (unset: set it to create tokens)");
        return """

                progress-hub is running (dev mode)
                  Dashboard:   %1$s/   (paste a token with the read scope; admin tokens see every project)
                  Admin token: %2$s
                  API docs:    %1$s/q/swagger-ui
                  Try:         curl -s %1$s/api/me -H "Authorization: Bearer %2$s"
                """.formatted(base, token);
    }
}
