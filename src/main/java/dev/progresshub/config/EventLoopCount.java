package dev.progresshub.config;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.PropertiesConfigSource;

/**
 * One Vert.x event loop per two cores the process may use, at least one; Vert.x's own default is two per core. The
 * event loops only parse, answer and stream: an ingest request's real work is the group committer's and
 * PostgreSQL's, and they need the cores. Measured on two cores (bench/README.md, "One event loop"), one event
 * loop instead of four took less CPU per ingest request in every run, by 6 to 40 %; two kept most of the cost.
 * Evaluated when the service starts, so a container's CPU limit counts, not the build machine's;
 * {@code quarkus.vertx.event-loops-pool-size} set anywhere else wins (this source sits below application.properties
 * and the environment).
 */
public class EventLoopCount implements ConfigSourceFactory {

    private static final String EVENT_LOOPS = "quarkus.vertx.event-loops-pool-size";
    /** Below application.properties (250) and the environment (300). */
    private static final int ORDINAL = 100;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        return List.of(new PropertiesConfigSource(Map.of(EVENT_LOOPS, String.valueOf(eventLoops)),
                "progress-hub event loops", ORDINAL));
    }
}
