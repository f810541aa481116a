package dev.progresshub.ingest.crawler;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The seed-003 crawler payload of {@code POST /api/internal/jobs/progress} (CONTRACT section 4). */
@RegisterForReflection(targets = { CrawlerProgress.class, CrawlerProgress.TimelineEntry.class })
public record CrawlerProgress(String taskId, String status, Long processedItems, Long totalItems,
        String currentDataType, Map<String, Long> itemsByType, String lastProcessedId,
        Map<String, Object> resumeState, String stage, String operationType, String message, String error,
        List<TimelineEntry> timeline, JsonNode discoveredAreas, JsonNode credentialStatus, String updateId) {

    /** One entry of the crawler's own audit trail: appended to the job's timeline as a message. */
    public record TimelineEntry(Instant timestamp, String event, String message, JsonNode details) {
    }
}
