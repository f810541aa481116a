package dev.progresshub.ingest;

import java.util.List;
import java.util.Map;

/** Body of POST /api/jobs. */
public record CreateJobRequest(String id, String name, String operation, Long total, List<StageRequest> stages,
        Map<String, String> labels, Long heartbeatSeconds) {

    public record StageRequest(String name, Long total) {
    }
}
