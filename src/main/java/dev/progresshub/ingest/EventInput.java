package dev.progresshub.ingest;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** One event as a client sends it (CONTRACT section 3); unknown fields are ignored. */
@RegisterForReflection
public record EventInput(String type, String stage, String item, String worker, Long seq, Instant at,
        Long current, Long total, String phase, String message, String details, String currentItem,
        String error, String errorClass, String status, Long completed, Long failed, String batchInfo,
        Map<String, Long> itemsByType, String lastProcessedId, Map<String, Object> resumeState, String level,
        JsonNode data) {
}
