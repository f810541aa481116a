package dev.progresshub.ops;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.progresshub.cluster.ClusterListener;

/**
 * Ready only while this instance hears the others: without the listener its cache and streams would
 * miss their changes. (The datasource check, also on readiness, covers the database itself.)
 */
@Readiness
@ApplicationScoped
public class ClusterReadiness implements HealthCheck {

    private final ClusterListener listener;

    ClusterReadiness(ClusterListener listener) {
        this.listener = listener;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("cluster-listener").status(listener.connected()).build();
    }
}
