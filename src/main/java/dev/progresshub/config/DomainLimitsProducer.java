package dev.progresshub.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.progresshub.domain.DomainLimits;

/** The domain's bounds as a plain record, read once from {@code progress-hub.limits.*}. */
@ApplicationScoped
public class DomainLimitsProducer {

    /** Singleton: a record cannot be proxied, and the limits never change while the service runs. */
    @Produces
    @Singleton
    DomainLimits domainLimits(ProgressHubConfig config) {
        ProgressHubConfig.Limits limits = config.limits();
        return new DomainLimits(limits.eventBytes(), limits.dataBytes(), limits.resumeStateBytes(),
                limits.stagesPerJob(), limits.itemTypesPerJob(), limits.errorClassesPerJob(), limits.workersPerJob(),
                limits.nameChars(), limits.operationChars(), limits.stageNameChars(), limits.labelsPerJob());
    }
}
