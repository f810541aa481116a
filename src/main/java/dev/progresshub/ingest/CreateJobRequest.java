package dev.progresshub.ingest;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of POST /api/jobs. */
@RegisterForReflection(targets = { CreateJobRequest.class, CreateJobRequest.StageRequest.class })
public record CreateJobRequest(String id, String name, String operation, Long total, List<StageRequest> stages,
        Map<String, String> labels, Long heartbeatSeconds) {

    public record StageRequest(String name, Long total) {
    }
}
