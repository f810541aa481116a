package dev.progresshub.ops.devdb;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.graalvm.nativeimage.ImageInfo;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Starts a real PostgreSQL (embedded, data under {@code target/}) for {@code ./mvnw quarkus:dev} when no
 * {@code quarkus.datasource.jdbc.url} is configured. Dev profile only: the packaged app never carries the
 * embedded server (provided scope), and the native image never parses this code.
 */
public class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {

    /** Below application.properties (250) and env (300), so any configured database wins. */
    private static final int ORDINAL = 100;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        // The profile test comes first: ImageInfo is provided scope, absent from the packaged JVM app, and
        // is only resolved when reached. The native builder folds inImageRuntimeCode() to true, so it never
        // parses the embedded-server code below (absent from the image: --link-at-build-time).
        if (!isDevProfile(context) || isConfigured(context) || ImageInfo.inImageRuntimeCode()) {
            return Collections.emptyList();
        }
        Map<String, String> datasource = DevPostgres.startOnce();
        return List.of(new PropertiesConfigSource(datasource, "progress-hub embedded PostgreSQL", ORDINAL));
    }

    private static boolean isDevProfile(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        return profiles.contains("dev") && !profiles.contains("test");
    }

    private static boolean isConfigured(ConfigSourceContext context) {
        ConfigValue url = context.getValue("quarkus.datasource.jdbc.url");
        return url != null && url.getValue() != null && !url.getValue().isBlank();
    }
}
