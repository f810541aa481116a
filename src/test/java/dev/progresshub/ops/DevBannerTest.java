package dev.progresshub.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.arc.profile.IfBuildProfile;

/** What {@code ./mvnw quarkus:dev} prints once it is up, and that only dev mode prints it. */
class DevBannerTest {

    @Test
    void showsTheDashboardUrlAndTheBuiltInDevToken() {
        String banner = DevBanner.text("localhost", 8080, Optional.of("dev-admin-token"));
        assertTrue(banner.contains("Dashboard:   http://localhost:8080/"), banner);
        assertTrue(banner.contains("Admin token: dev-admin-token"), banner);
        assertTrue(banner.contains("http://localhost:8080/q/swagger-ui"), banner);
    }

    @Test
    void neverPrintsATokenTheDeveloperSetThemselves() {
        String banner = DevBanner.text("0.0.0.0", 9000, Optional.of("my-own-secret-admin-token-0123456789"));
        assertFalse(banner.contains("my-own-secret"), banner);
        assertTrue(banner.contains("Admin token: $PROGRESS_HUB_ADMIN_TOKEN"), banner);
        assertTrue(banner.contains("http://localhost:9000/"), "a wildcard host is shown as localhost: " + banner);
    }

    @Test
    void existsInTheDevBuildOnly() {
        IfBuildProfile profile = DevBanner.class.getAnnotation(IfBuildProfile.class);
        assertTrue(profile != null && profile.value().equals("dev"), "the banner bean is built for dev mode only");
    }
}
