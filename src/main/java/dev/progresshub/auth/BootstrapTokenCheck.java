package dev.progresshub.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.progresshub.config.ProgressHubConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/**
 * CONTRACT section 1: outside dev mode the service refuses to start with a bootstrap admin token shorter
 * than 32 characters, so an example or guessable one never guards a real deployment.
 */
@ApplicationScoped
public class BootstrapTokenCheck {

    static final int MIN_LENGTH = 32;
    /** The placeholder of deploy/kubernetes/examples/secret.example.yaml. */
    private static final String EXAMPLE_PREFIX = "change-me";

    static boolean weak(String token) {
        return token.length() < MIN_LENGTH || token.startsWith(EXAMPLE_PREFIX);
    }

    void check(@Observes StartupEvent startup, ProgressHubConfig config) {
        if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
            return;
        }
        config.adminToken().filter(BootstrapTokenCheck::weak).ifPresent(token -> {
            throw new IllegalStateException("PROGRESS_HUB_ADMIN_TOKEN is shorter than " + MIN_LENGTH
                    + " characters or the deploy/ example: use a random one, e.g. `openssl rand -hex 32`");
        });
    }
}
